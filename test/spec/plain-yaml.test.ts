// The fast plain-YAML reader against the `yaml` package: wherever it accepts an input, it must
// build the same values at the same places; wherever it is unsure, it must decline.

import test, { type ExecutionContext } from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, isScalar, parseAllDocuments } from 'yaml';
import { parsePlainYaml } from '../../compiler/spec/plain-yaml.ts';
import { fromYamlDocument, type YNode } from '../../compiler/spec/yaml-tree.ts';
import { compactSpec, kubectlList } from './large-spec.ts';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f)).sort();
}

function toJS(n: YNode | null): unknown {
  if (!n) return null;
  if (n.kind === 'scalar') return n.value;
  if (n.kind === 'seq') return n.items.map(toJS);
  return Object.fromEntries(n.pairs.map((p) => [String(toJS(p.key)), toJS(p.value)]));
}

/** Same kind, value and start at every node; scalars other than literal blocks also end alike. */
function sameTree(t: ExecutionContext, text: string, fast: YNode | null, full: YNode | null, where: string): void {
  if (fast === null || full === null) {
    t.is(fast, full, where);
    return;
  }
  t.is(fast.kind, full.kind, `${where}: kind`);
  t.is(fast.start, full.start, `${where}: start`);
  if (fast.kind === 'scalar' && full.kind === 'scalar') {
    t.deepEqual(fast.value, full.value, `${where}: value`);
    if (text[full.start] !== '|') t.is(fast.end, full.end, `${where}: end`);
  } else if (fast.kind === 'map' && full.kind === 'map') {
    t.is(fast.pairs.length, full.pairs.length, `${where}: size`);
    full.pairs.forEach((p, i) => {
      sameTree(t, text, fast.pairs[i]?.key ?? null, p.key, `${where}.key${i}`);
      sameTree(t, text, fast.pairs[i]?.value ?? null, p.value, `${where}.${String(toJS(p.key))}`);
    });
  } else if (fast.kind === 'seq' && full.kind === 'seq') {
    t.is(fast.items.length, full.items.length, `${where}: length`);
    full.items.forEach((n, i) => sameTree(t, text, fast.items[i] ?? null, n, `${where}[${i}]`));
  }
}

/** Compares the two readers on `text`; returns whether the fast one accepted it. */
function check(t: ExecutionContext, text: string, name: string): boolean {
  const fastLines = new LineCounter();
  const fast = parsePlainYaml(text, fastLines);
  if (!fast) return false;
  const fullLines = new LineCounter();
  const full = parseAllDocuments(text, { lineCounter: fullLines });
  const docs = Array.isArray(full) ? full : [];
  t.true(docs.every((d) => d.errors.length === 0), `${name}: the fast reader accepted what yaml rejects`);
  const nonEmpty = docs.filter((d) => !(d.contents === null || (isScalar(d.contents) && d.contents.value === null)));
  t.is(fast.length, nonEmpty.length, `${name}: documents`);
  fast.forEach((root, i) => {
    t.deepEqual(toJS(root), JSON.parse(JSON.stringify(nonEmpty[i]?.toJS() ?? null)), `${name}: document ${i} values`);
    sameTree(t, text, root, nonEmpty[i] ? fromYamlDocument(nonEmpty[i]) : null, `${name}#${i}`);
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
