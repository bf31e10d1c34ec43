// The fast plain-YAML reader against the `yaml` package: wherever it accepts an input, it must
// build the same values at the same places; wherever it is unsure, it must decline.

import test, { type ExecutionContext } from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { compactSpec, kubectlList } from './large-spec.ts';
import { compareReaders } from './yaml-compare.ts';

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f)).sort();
}

/** Compares the two readers on `text`; returns whether the fast one accepted it. */
function check(t: ExecutionContext, text: string, name: string): boolean {
  const c = compareReaders(text);
  t.is(c.difference, undefined, name);
  return c.accepted;
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

// Each found by the property test (plain-yaml-property.test.ts) or known before it: the fast
// reader built a tree other than yaml's, or threw.
const regressions: Record<string, { text: string; accepted: boolean }> = {
  'keep chomping (|+) at the end of the file gains no line break': { text: 'a: |+\n  x\n\n', accepted: true },
  'keep chomping (|+) at the end of the file, CRLF': { text: '- |+\r\n   x\r\n\r\n\r\n', accepted: true },
  'an implicit key of 1,024 characters up to its colon is read': { text: `${'k'.repeat(1024)}: 1\n`, accepted: true },
  'an implicit key of 1,025 characters up to its colon is left to yaml, which refuses it': { text: `${'k'.repeat(1025)}: 1\n`, accepted: false },
  'after an empty value yaml counts a key from the line break before it: 1,023 characters read': { text: `a:\n${'k'.repeat(1023)}: 1\n`, accepted: true },
  'after an empty value yaml counts a key from the line break before it: indentation counts': { text: ` 0:\n ${'k'.repeat(1023)}: ~\n`, accepted: false },
  'a \\U escape past U+10FFFF is left to yaml (String.fromCodePoint threw)': { text: 'a: "\\UFFFFFFFF"\n', accepted: false },
  'a \\U escape just past the last code point': { text: 'a: "\\U00110000"\n', accepted: false },
  'a document of only ~ is empty, as yaml reads it': { text: 'a: 1\n---\n~\n', accepted: true },
  'an empty value is placed after the spaces that follow its colon': { text: 'a:   # c\nb: \n', accepted: true },
  '- before a flow indicator is not a scalar': { text: 'a: [  -]\n', accepted: false },
  ': before a flow indicator ends a scalar in a flow sequence': { text: '[[+2 :]]\n', accepted: false },
  ': before a flow indicator ends a scalar in a flow map': { text: '{a b: fd00:}\n', accepted: false },
  'a byte order mark after the start': { text: '# x\n\ufeff- 1\n', accepted: false },
};

for (const [name, { text, accepted }] of Object.entries(regressions)) {
  test(`regression: ${name}`, (t) => {
    t.is(check(t, text, name), accepted);
  });
}
