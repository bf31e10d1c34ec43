// docs/spec.md lists every SY1xxx code with its severity, and the defaults it documents are the
// ones defaults.ts applies.

import test from 'ava';
import { readFileSync } from 'node:fs';
import { codes } from '../../compiler/spec/codes.ts';
import { DEFAULT_DATAPATH, DEFAULT_MAPS } from '../../compiler/spec/defaults.ts';

const doc = readFileSync('docs/spec.md', 'utf8');

test('docs/spec.md has a row for every spec diagnostic code, with its severity', (t) => {
  for (const info of Object.values(codes)) {
    t.regex(doc, new RegExp(`\\| ${info.code} \\| ${info.severity} \\|`), `${info.code} (${info.title})`);
  }
});

test('docs/spec.md documents the defaults the loader applies', (t) => {
  for (const [k, v] of Object.entries(DEFAULT_MAPS)) t.true(doc.includes(`| \`maps.${k}\` | \`${v}\` |`), `maps.${k}`);
  for (const [k, v] of Object.entries(DEFAULT_DATAPATH)) t.true(doc.includes(`| \`datapath.${k}\` | \`${v}\` |`), `datapath.${k}`);
});
