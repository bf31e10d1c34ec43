// The conformance suite: one case per Kubernetes rule kube-proxy implements, each a directory
// under cases/ with kubectl-style input.yaml (its first lines name the rule's source and state
// the rule) and the golden tables in expected/. Each case is compiled, written to a temp
// directory as `switchyard compile` would lay it out, and compared with expected/ byte for
// byte; UPDATE_GOLDEN=1 rewrites expected/ instead (review the diff: it is the rule's answer).

import test from 'ava';
import { updatingGolden } from '../helpers/golden.ts';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { CASES_DIR, caseInputs, caseNames, compileCase } from './compile-case.ts';

const update = updatingGolden();

function writeTree(root: string, files: Map<string, string>): void {
  for (const [path, text] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function readTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(root, p), readFileSync(p, 'utf8'));
    }
  };
  try {
    walk(root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return out;
}

const names = caseNames();

test('every case states its source and its rule on its first two lines', (t) => {
  for (const name of names) {
    const [first, second] = readFileSync(join(CASES_DIR, name, 'input.yaml'), 'utf8').split('\n');
    t.regex(first ?? '', /^# source: \S/, `${name}/input.yaml: line 1 must be "# source: ..."`);
    t.regex(second ?? '', /^# rule: \S/, `${name}/input.yaml: line 2 must be "# rule: ..."`);
    t.regex(name, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${name}: case directories are kebab-case`);
  }
});

for (const name of names) {
  test(`conformance: ${name}`, (t) => {
    const dir = join(CASES_DIR, name);
    const expectedDir = join(dir, 'expected');
    const tmp = mkdtempSync(join(tmpdir(), `switchyard-conformance-${name}-`));
    try {
      writeTree(tmp, compileCase(caseInputs(name), dir));
      const actual = readTree(tmp);
      if (update) {
        rmSync(expectedDir, { recursive: true, force: true });
        writeTree(expectedDir, actual);
      }
      const expected = readTree(expectedDir);
      const hint = `(if the change is intended: UPDATE_GOLDEN=1 npx ava ${join(dirname(CASES_DIR), 'conformance.test.ts')} -m 'conformance: ${name}', and review the diff)`;
      t.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort(), `${name}: the files produced differ from expected/ ${hint}`);
      for (const [path, text] of actual) {
        const want = expected.get(path);
        if (want !== undefined) t.is(text, want, `${name}/expected/${path} ${hint}`);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
}
