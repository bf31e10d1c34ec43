// The compiler as npm runs it (`npm start`: esbuild's bundle, not tsx): it finds the BPF-TS
// sources of compiler/datapath/ from the bundle's place and compiles the same objects, so the
// bundled `compile --check` agrees with generated/. Built into a directory inside the repository
// (the bundle keeps its npm packages external) and removed afterwards.

import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

test('the bundled compiler compiles the datapath: compile --check agrees with generated/', (t) => {
  const out = join(root, `.sy-bundle-${process.pid}`);
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  execFileSync(process.execPath, [join(root, 'scripts', 'build.js'), '--only', 'switchyard', '--outdir', out], { stdio: 'pipe' });
  // Without the build cache: the objects are compiled by the bundle itself.
  const r = spawnSync(process.execPath, [join(out, 'switchyard.js'), 'compile', '--check'], { cwd: root, encoding: 'utf8', env: { ...process.env, SWITCHYARD_NO_CACHE: '1' } });
  t.is(r.status, 0, `${r.stdout}${r.stderr}`);
  t.regex(r.stdout, /up to date/);
});
