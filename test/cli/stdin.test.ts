// `switchyard compile -` reads one more spec file from standard input, through the built CLI as a
// pipe delivers it: `kubectl get … -o yaml | switchyard compile - cluster.yaml`. The result is the
// same as from the file, and diagnostics name the input <stdin>.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/bpffs.ts';

const TWIN = 'test/spec/twin';
const compile = (args: string[], input: string) =>
  spawnSync(process.execPath, ['dist/switchyard.js', 'compile', ...args], { input, encoding: 'utf8', env: { ...process.env, SWITCHYARD_NO_CACHE: '1' } });

const tree = (dir: string): Record<string, string> =>
  Object.fromEntries(readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => {
    const path = join(e.parentPath, e.name);
    return [path.slice(dir.length), readFileSync(path, 'latin1')];
  }));

test('kubectl YAML piped to compile - gives the output the same file gives', (t) => {
  const out = tempDir(t);
  const piped = compile(['-', join(TWIN, 'cluster.yaml'), '-o', join(out, 'piped')], readFileSync(join(TWIN, 'list.yaml'), 'utf8'));
  t.is(piped.status, 0, piped.stderr);
  t.regex(piped.stdout, /wrote \S+piped\/demo: 5 services, 13 frontends, 8 backends, 2 nodes/);
  const files = compile([TWIN, '-o', join(out, 'files')], '');
  t.is(files.status, 0, files.stderr);
  t.deepEqual(tree(join(out, 'piped')), tree(join(out, 'files')));
});

test('a problem in the piped YAML is reported at <stdin>:line:col, and nothing is written', (t) => {
  const out = tempDir(t);
  const r = compile(['-', join(TWIN, 'cluster.yaml'), '-o', out], 'apiVersion: v1\nkind: Service\nmetadata: {name: x\n');
  t.is(r.status, 2);
  t.regex(r.stderr, /^<stdin>:4:1: error SY1001: YAML: /m);
  t.deepEqual(readdirSync(out), []);
});
