// docs/generated.md carries the map layouts generated from map-layouts.ts, so the document
// cannot drift from the code. UPDATE_GOLDEN=1 rewrites the section between its markers.

import test from 'ava';
import { updatingGolden } from '../helpers/golden.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { layoutsMarkdown, LAYOUTS_BEGIN, LAYOUTS_END } from '../../compiler/emit/layouts-doc.ts';
import { cluster } from '../plan/helpers.ts';

const DOC = 'docs/generated.md';

test('docs/generated.md shows the map layouts the emitter uses', (t) => {
  const want = layoutsMarkdown(cluster().maps, 16381);
  let doc = readFileSync(DOC, 'utf8');
  const begin = doc.indexOf(LAYOUTS_BEGIN);
  const end = doc.indexOf(LAYOUTS_END);
  if (updatingGolden()) {
    doc = begin >= 0 && end > begin ? doc.slice(0, begin) + want + doc.slice(end + LAYOUTS_END.length) : doc.replace('LAYOUTS', want);
    writeFileSync(DOC, doc);
  }
  const b = doc.indexOf(LAYOUTS_BEGIN);
  const e = doc.indexOf(LAYOUTS_END);
  t.true(b >= 0 && e > b, `${DOC}: no map layouts section; UPDATE_GOLDEN=1 npx ava test/emit/docs.test.ts writes it`);
  t.is(doc.slice(b, e + LAYOUTS_END.length), want, `${DOC} is stale; UPDATE_GOLDEN=1 npx ava test/emit/docs.test.ts rewrites it`);
});
