// Suggestions for misspelt words, and what happens with words no typo explains (a 5 MB key):
// no suggestion, no table of the word's size, and a message that quotes only its start.

import test from 'ava';
import { closest } from '../../compiler/spec/did-you-mean.ts';
import { loadSpec } from '../../compiler/spec/load.ts';
import { quote } from '../../compiler/spec/quote.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('typos find their word: edits, a swap of neighbours, case', (t) => {
  const known = ['ports', 'port', 'clusterIP', 'backends', 'nodes'];
  t.is(closest('prots', known), 'ports');
  t.is(closest('prot', known), 'port');
  t.is(closest('clusterIp', known), 'clusterIP');
  t.is(closest('backend', known), 'backends');
  t.is(closest('foo', known), undefined);
  t.is(closest('', known), undefined);
  t.is(closest('ndoes', new Set(known)), 'nodes');
});

test('a word millions of characters long suggests nothing', (t) => {
  t.is(closest('k'.repeat(5_000_000), ['cluster', 'nodes', 'services', 'hostPorts']), undefined);
  t.is(closest('nodes' + 'x'.repeat(1_000), ['nodes']), undefined);
});

test('long spec text is quoted by its start and its length', (t) => {
  t.is(quote('web'), '"web"');
  t.is(quote('k'.repeat(80)), `"${'k'.repeat(80)}"`);
  t.is(quote('k'.repeat(5_000_000)), `"${'k'.repeat(60)}…" (5,000,000 characters)`);
});

test('a 5 MB unknown field is SY1010 with a short message', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-dym-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'long.yaml');
  // In a flow map, unlike a block one, YAML sets no limit on a key's length.
  writeFileSync(file, `{${'k'.repeat(5_000_000)}: 1}\n`);
  const unknown = loadSpec([file]).diagnostics.filter((d) => d.code === 'SY1010');
  t.is(unknown.length, 1);
  t.is(unknown[0]!.message, `document: unknown field "${'k'.repeat(60)}…" (5,000,000 characters)`);
  t.is(unknown[0]!.notes, undefined);
});
