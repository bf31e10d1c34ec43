// The fast plain-YAML reader against the `yaml` package: wherever it accepts an input, it must
// build the same values at the same places; wherever it is unsure, it must decline.

import test, { type ExecutionContext } from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import { parsePlainYaml } from '../../compiler/spec/plain-yaml.ts';
import { compactSpec, kubectlList } from './large-spec.ts';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f)).sort();
}

/** Same kind, value and start at every node; scalars also end at the same place. */
function sameTree(t: ExecutionContext, fast: Node | null, full: Node | null, where: string): void {
  if (fast === null || full === null) {
    t.is(fast, full, where);
    return;
  }
  t.is(fast.range?.[0], full.range?.[0], `${where}: start`);
  if (isScalar(full)) {
    t.true(isScalar(fast), `${where}: scalar`);
    t.deepEqual((fast as typeof full).value, full.value, `${where}: value`);
    if (full.type === 'PLAIN' || full.type === 'QUOTE_DOUBLE' || full.type === 'QUOTE_SINGLE') t.is(fast.range?.[1], full.range?.[1], `${where}: end`);
  } else if (isMap(full)) {
    t.true(isMap(fast), `${where}: map`);
    const a = (fast as typeof full).items;
    t.is(a.length, full.items.length, `${where}: size`);
    full.items.forEach((p, i) => {
      sameTree(t, a[i]?.key as Node, p.key as Node, `${where}.key${i}`);
      sameTree(t, (a[i]?.value ?? null) as Node | null, (p.value ?? null) as Node | null, `${where}.${String((p.key as { value?: unknown }).value)}`);
    });
  } else if (isSeq(full)) {
    t.true(isSeq(fast), `${where}: list`);
    const a = (fast as typeof full).items;
    t.is(a.length, full.items.length, `${where}: length`);
    full.items.forEach((n, i) => sameTree(t, a[i] as Node, n as Node, `${where}[${i}]`));
  }
}

/** Compares the two readers on `text`; returns whether the fast one accepted it. */
function check(t: ExecutionContext, text: string, name: string): boolean {
  const fastLines = new LineCounter();
  const fast = parsePlainYaml(text, fastLines);
  if (!fast) return false;
  const fullLines = new LineCounter();
  const full = parseAllDocuments(text, { lineCounter: fullLines });
  const docs = (Array.isArray(full) ? full : []).filter((d) => d.contents !== null && !(isScalar(d.contents) && d.contents.value === null));
  t.true(docs.every((d) => d.errors.length === 0), `${name}: the fast reader accepted what yaml rejects`);
  t.is(fast.length, docs.length, `${name}: documents`);
  fast.forEach((d, i) => {
    t.deepEqual(d.toJS(), docs[i]?.toJS(), `${name}: document ${i} values`);
    sameTree(t, d.contents, docs[i]?.contents ?? null, `${name}#${i}`);
  });
  t.deepEqual(fastLines.lineStarts, fullLines.lineStarts.slice(0, fastLines.lineStarts.length), `${name}: line starts`);
  return true;
}

test('the fast reader agrees with yaml on every spec, fixture and generated input, and accepts the usual ones', (t) => {
  const files = [...yamlFiles('specs'), ...yamlFiles('test/spec')];
  const accepted = files.filter((f) => check(t, readFileSync(f, 'utf8'), f));
  // Specs and kubectl output must take the fast path, or large inputs are slow again.
  for (const f of ['specs/demo/cluster.yaml', 'test/spec/twin/list.yaml', 'test/spec/twin/cluster.yaml']) t.true(accepted.includes(f), f);
  const shape = { services: 30, backendsPerService: 4, nodes: 5 };
  t.true(check(t, compactSpec(shape), 'compact generated'));
  t.true(check(t, kubectlList(shape), 'kubectl generated'));
});

test('the fast reader agrees with yaml on tricky plain inputs', (t) => {
  const cases: Record<string, string> = {
    'literal block as kubectl prints last-applied-configuration':
      'metadata:\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: |\n      {"apiVersion":"v1","kind":"Service"}\n    other: x\n  name: web\n',
    'literal chomping': 'a: |-\n  one\n  two\n\nb: |+\n  keep\n\n\nc: |\n  clip\n\n\nd: 1\n',
    'literal in a list': '- |\n  text\n  # not a comment\n- x\n',
    'managedFields keys': 'f:spec:\n  f:podCIDRs:\n    .: {}\n    v:"10.1.0.0/24": {}\n  k:{"type":"InternalIP"}: {}\n',
    'scalars of every core type': 'a: 1\nb: -2\nc: true\nd: False\ne: null\nf: ~\ng:\nh: "q\\tq"\ni: \'it\'\'s\'\nj: 0010\nk: yes\nl: 10.0.0.1\nm: fd00::1\nn: 30000-32767\n',
    'comments everywhere': '# head\na: 1 # one\n# mid\nb:\n  # inner\n  - x # y\n  - "z" # w\n',
    'flow collections': 'a: {x: 1, y: [1, 2, {z: fd00::1}], w: "s, t"}\nb: []\nc: {}\nd: [a:b, http://x]\n',
    'lists at the key indentation and nested lists': 'items:\n- a: 1\n  b:\n  - x\n  - - y\n    - z\nnext: 2\n',
    'several documents': '---\na: 1\n---\n# empty\n---\nb: 2\n',
    'crlf line ends': 'a: 1\r\nb:\r\n  - x\r\n',
    'quoted keys and unicode escapes': '"a b": 1\n\'c\': "\\u00e9\\x41"\n',
    'no final newline': 'a: [1, 2]',
  };
  for (const [name, text] of Object.entries(cases)) t.true(check(t, text, name), `${name}: the fast reader should accept it`);
});

test('the fast reader declines what it does not know, and yaml reads it instead', (t) => {
  const cases: Record<string, string> = {
    anchors: 'a: &x 1\nb: *x\n',
    tags: 'a: !!str 1\n',
    folded: 'a: >\n  one\n  two\n',
    'multi-line plain scalar': 'a: one\n  two\n',
    'multi-line flow': 'a: [1,\n  2]\n',
    'complex key': '? a\n: b\n',
    float: 'a: 1.5\n',
    hex: 'a: 0x1f\n',
    'duplicate key': 'a: 1\na: 2\n',
    'tab': 'a:\t1\n',
    'bad indentation': 'a:\n  b: 1\n   c: 2\n',
    'directive': '%YAML 1.2\n---\na: 1\n',
    'document end marker': 'a: 1\n...\n',
    'mapping in a plain value': 'a: b: c\n',
    'unclosed quote': 'a: "open\n',
  };
  for (const [name, text] of Object.entries(cases)) t.false(check(t, text, name), `${name}: the fast reader should decline`);
});
