// The `switchyard` bin (dist/, as npm installs it) keeps V8's code cache of the compiler bundle per
// command: the first run writes it, later runs use it as it is (V8 accepted it: not rewritten), and
// the output is the same with it, without it, and with it turned off.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeCachePath } from '../../compiler/cli/code-cache.ts';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');

const run = (env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [join(dist, 'switchyard.js'), 'help', 'diff'], { encoding: 'utf8', env: { ...process.env, SWITCHYARD_NO_CACHE: '', ...env } });

test('the bin writes a code cache for its command, then runs from it with the same output', (t) => {
  const source = readFileSync(join(dist, 'switchyard-compiler.cjs'), 'utf8');
  const { path } = codeCachePath(dist, source, ['help', 'diff']);
  rmSync(path, { force: true });

  const off = run({ SWITCHYARD_NO_CACHE: 'code' });
  t.is(off.status, 0, off.stderr);
  t.false(existsSync(path), 'SWITCHYARD_NO_CACHE=code writes none');

  const first = run();
  t.is(first.status, 0, first.stderr);
  t.true(existsSync(path), `the first run wrote ${path}`);
  const written = statSync(path).mtimeMs;

  const second = run();
  t.is(second.status, 0, second.stderr);
  t.is(statSync(path).mtimeMs, written, 'V8 accepted the cache: the second run did not rewrite it');
  t.is(first.stdout, off.stdout);
  t.is(second.stdout, off.stdout);
  t.regex(second.stdout, /switchyard diff/);
});
