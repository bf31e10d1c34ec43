// Nesting of any depth gives SY1004 at the first collection past MAX_NESTING, never a stack
// overflow; up to the bound both YAML readers build the document, and agree on where the bound is.

import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineCounter } from 'yaml';
import { Diagnostics } from '../../compiler/diagnostics.ts';
import { loadSpec } from '../../compiler/spec/load.ts';
import { parsePlainYaml } from '../../compiler/spec/plain-yaml.ts';
import { MAX_NESTING } from '../../compiler/spec/yaml-depth.ts';
import { YamlSource } from '../../compiler/spec/yaml-source.ts';

/** Documents nesting `n` collections (the root's included), and where the n-th one starts.
 *  Block shapes indent each level further, so their text grows with n²: 5,000 levels, not 20,000. */
const shapes: Record<string, (n: number) => { text: string; line: number; col: number }> = {
  'flow lists': (n) => ({ text: `a: ${'['.repeat(n - 1)}${']'.repeat(n - 1)}\n`, line: 1, col: 3 + n - 1 }),
  'flow maps': (n) => ({ text: `a: ${'{a: '.repeat(n - 1)}1${'}'.repeat(n - 1)}\n`, line: 1, col: 4 + 4 * (n - 2) }),
  'block maps': (n) => ({
    text: Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:${i === n - 1 ? ' 1' : ''}\n`).join(''),
    line: n,
    col: n,
  }),
  'block lists': (n) => ({ text: Array.from({ length: n }, (_, i) => `${' '.repeat(2 * i)}-${i === n - 1 ? ' x' : ''}\n`).join(''), line: n, col: 2 * n - 1 }),
  'compact block lists': (n) => ({ text: `${'- '.repeat(n)}x\n`, line: 1, col: 2 * n - 1 }),
  'anchored, so only yaml reads it': (n) => ({ text: `a: &x ${'['.repeat(n - 1)}${']'.repeat(n - 1)}\n`, line: 1, col: 7 + n - 2 }),
};

function read(text: string): { docs: number; diags: Diagnostics } {
  const diags = new Diagnostics();
  return { docs: new YamlSource('f.yaml', text, diags).documents.length, diags };
}

for (const [name, shape] of Object.entries(shapes)) {
  test(`${name}: ${MAX_NESTING} levels read, one more is SY1004 at the collection past the bound`, (t) => {
    const ok = read(shape(MAX_NESTING).text);
    t.deepEqual(ok.diags.items, []);
    t.is(ok.docs, 1);
    const deep = shape(MAX_NESTING + 1);
    const bad = read(deep.text);
    t.is(bad.docs, 0);
    t.deepEqual(bad.diags.items.map((d) => [d.code, d.range?.line, d.range?.col]), [['SY1004', deep.line, deep.col]]);
  });

  const far = name.startsWith('block') ? 5_000 : 20_000;
  test(`${name}: ${far.toLocaleString('en')} levels are SY1004, not a stack overflow`, (t) => {
    const bad = read(shape(far).text);
    t.deepEqual(bad.diags.items.map((d) => d.code), ['SY1004']);
  });
}

test('the fast reader reads plain YAML up to the bound and leaves deeper input to yaml', (t) => {
  for (const name of ['flow lists', 'flow maps', 'block maps', 'block lists', 'compact block lists']) {
    t.truthy(parsePlainYaml(shapes[name]!(MAX_NESTING).text, new LineCounter()), name);
    t.is(parsePlainYaml(shapes[name]!(MAX_NESTING + 1).text, new LineCounter()), undefined, name);
  }
});

test('a too deep document is left out alone: the documents around it still load', (t) => {
  const deep = shapes['flow lists']!(MAX_NESTING + 1).text;
  const r = read(`a: 1\n---\n${deep}...\n---\nb: 2\n`);
  t.deepEqual(r.diags.items.map((d) => [d.code, d.range?.line]), [['SY1004', 3]]);
  t.is(r.docs, 2);
});

test('loadSpec reports SY1004 with the file and goes on to the other files', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-depth-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a.yaml'), shapes['block maps']!(5_000).text);
  writeFileSync(join(dir, 'b.yaml'), 'cluster: {name: x}\n');
  const r = loadSpec([dir]);
  t.is(r.spec, undefined);
  const codes = r.diagnostics.map((d) => `${d.range?.file.replace(dir, '')}:${d.code}`);
  t.true(codes.includes('/a.yaml:SY1004'));
  t.true(codes.includes('/b.yaml:SY1011'), 'b.yaml is read too (its missing serviceCIDRs reported)');
});
