// Aliases are resolved into a shared graph, never copied; a document whose aliases would have the
// readers expand it past MAX_EXPANDED_NODES (or without end) is SY1006 and is not read at all.

import test from 'ava';
import { parse } from 'yaml';
import { Diagnostics } from '../../compiler/diagnostics.ts';
import { YamlSource } from '../../compiler/spec/yaml-source.ts';
import { MAX_EXPANDED_NODES } from '../../compiler/spec/yaml-tree.ts';
import { toJS } from './yaml-compare.ts';

function read(text: string): { docs: number; codes: string[] } {
  const diags = new Diagnostics();
  const docs = new YamlSource('f.yaml', text, diags).documents.length;
  return { docs, codes: diags.items.map((d) => d.code) };
}

test('sharing by aliases within the bound is read, shared', (t) => {
  // 10,000 services sharing one port list: 30,000 expanded nodes from ~20,000 of its own.
  const text = `ports: &http [{port: 80}]\nservices:\n${Array.from({ length: 10_000 }, (_, i) => `  - {name: s${i}, ports: *http}\n`).join('')}`;
  const diags = new Diagnostics();
  const src = new YamlSource('f.yaml', text, diags);
  t.deepEqual(diags.items, []);
  const root = src.documents[0]!;
  if (root.kind !== 'map') return t.fail();
  const services = root.pairs[1]!.value!;
  if (services.kind !== 'seq') return t.fail();
  const ports = (s: number) => (services.items[s]!.kind === 'map' ? services.items[s].pairs[1]!.value : undefined);
  t.is(ports(0), ports(9_999), 'one node, not copies');
});

test('aliases of aliases past the bound are SY1006, and the document is left out', (t) => {
  // Each level multiplies by ten: 10^7 expanded nodes from some 80 written ones.
  const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 7; i++) levels.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  t.true(10 ** 7 > MAX_EXPANDED_NODES);
  t.deepEqual(read(`${levels.join('\n')}\n---\nb: 1\n`), { docs: 1, codes: ['SY1006'] });
});

test('an alias inside its own anchor is SY1006, not a cycle for the readers', (t) => {
  t.deepEqual(read('a: &a [1, *a]\n'), { docs: 0, codes: ['SY1006'] });
  t.deepEqual(read('a: &a {b: *a}\n'), { docs: 0, codes: ['SY1006'] });
});

test('an alias takes the latest node of its anchor before it, as yaml resolves it', (t) => {
  const text = 'a: &x 1\nb: *x\nc: &x [2]\nd: *x\ne: {f: &y 3, g: *y}\n';
  const diags = new Diagnostics();
  const root = new YamlSource('f.yaml', text, diags).documents[0]!;
  t.deepEqual(toJS(root), parse(text));
  t.deepEqual(diags.items, []);
});

test('10,000 aliases take time in proportion to their number (yaml\'s Alias.resolve was quadratic)', (t) => {
  const text = `x: &x 1\nl:\n${'  - *x\n'.repeat(10_000)}`;
  const diags = new Diagnostics();
  const root = new YamlSource('f.yaml', text, diags).documents[0]!;
  t.deepEqual((toJS(root) as { l: number[] }).l.length, 10_000);
});
