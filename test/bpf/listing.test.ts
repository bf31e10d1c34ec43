// Listings are what reviewers read in generated/: pinned by golden files beside their inputs
// (fixtures/*.listing; UPDATE_GOLDEN=1 rewrites them), stable across builds, and readable:
// names, labels and source lines instead of numbers.

import test from 'ava';
import { join } from 'node:path';
import { buildObject } from '../../compiler/bpf/object.ts';
import { listObject } from '../../compiler/bpf/listing.ts';
import { everyInsn } from './every-insn.ts';
import { sampleObject } from './fixtures/sample-object.ts';
import { matchGolden } from '../helpers/golden.ts';

test('the sample object lists with map names, labels, helpers and source lines', (t) => {
  const text = listObject(buildObject(sampleObject));
  matchGolden(t, join(import.meta.dirname, 'fixtures/sample-object.listing'), text, import.meta.filename);
  t.regex(text, /r1 = map\[services\] ll/);
  t.regex(text, /call pick\n/);
  t.regex(text, /if r6 s> 0 goto \+1 <out>/);
  t.regex(text, /call 1 +; bpf_map_lookup_elem/);
  t.regex(text, /; datapath\/lb\.ts:11  const svc = services\.lookup\(key\);/);
  t.is(listObject(buildObject(sampleObject)), text, 'stable');
});

test('every instruction form has a listing line', (t) => {
  const text = listObject(buildObject({ programs: [{ name: 'every', section: 'xdp', items: everyInsn() }] }));
  matchGolden(t, join(import.meta.dirname, 'fixtures/every-insn.listing'), text, import.meta.filename);
  t.false(text.includes('<unknown>'));
});
