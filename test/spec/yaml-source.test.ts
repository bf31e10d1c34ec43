// The yaml path of YamlSource (what the fast reader leaves to the `yaml` package): its own
// duplicate-key check in one pass, reported where and as yaml reported it, and aliases that
// name no anchor.

import test from 'ava';
import { parseAllDocuments } from 'yaml';
import { Diagnostics } from '../../compiler/diagnostics.ts';
import { YamlSource } from '../../compiler/spec/yaml-source.ts';

function read(text: string): { docs: number; found: string[] } {
  const diags = new Diagnostics();
  const docs = new YamlSource('f.yaml', text, diags).documents.length;
  return { docs, found: diags.items.map((d) => `${d.range?.line}:${d.range?.col} ${d.code} ${d.message}`) };
}

/** What yaml's own uniqueKeys check says, in the same form. */
function yamlSays(text: string): string[] {
  return parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true }).flatMap((d) =>
    d.errors.filter((e) => e.code === 'DUPLICATE_KEY').map((e) => `${e.linePos?.[0].line}:${e.linePos?.[0].col} SY1001 YAML: Map keys must be unique`));
}

test('duplicate keys are SY1001 where yaml puts them, and their document is left out', (t) => {
  const cases = [
    'x: &a 1\na: 1\nb: 2\na: 3\n',
    'x: &a 1\nm: {1: a, "1": b, 1: c}\n',
    'x: &a k\n*a : 1\nk: 2\n',
    'x: &a 1\nl:\n  - {a: 1, a: 2}\n  - b: 1\n    b: 2\n',
  ];
  for (const text of cases) {
    const r = read(text);
    t.deepEqual(r.found, yamlSays(text), text);
    t.is(r.docs, r.found.length ? 0 : 1, text);
  }
});

test('a mapping of 30,000 keys read by yaml takes time in proportion to its keys (yaml\'s check was quadratic)', (t) => {
  const text = `a: &x 1\n${Array.from({ length: 30_000 }, (_, i) => `k${i}: ${i}\n`).join('')}`;
  const r = read(text);
  t.deepEqual(r.found, []);
  t.is(r.docs, 1);
  t.deepEqual(read(`${text}k5: again\n`).found, ['30002:1 SY1001 YAML: Map keys must be unique']);
});

test('an alias without an anchor before it is SY1001 at the alias (yaml itself would make it null)', (t) => {
  t.deepEqual(read('a: *x\nb: &x 1\n'), { docs: 0, found: ['1:4 SY1001 YAML: alias *x names no anchor (&x) before it'] });
  t.deepEqual(read('a: &x 1\nb: *x\n').found, []);
});
