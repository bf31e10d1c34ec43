// `npm run build` makes dist/switchyard-node.js, which must run with nothing of the repository
// beside it but koffi: built into a temp directory, copied alone elsewhere, and run from there.

import test, { type ExecutionContext } from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelTest } from '../helpers/kernel.ts';
import { mountBpffs, tempDir } from '../helpers/bpffs.ts';
import { createCgroup } from '../helpers/cgroup.ts';
import { socklbArtifacts } from './socklb-artifacts.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The bundle, built into one temp dir and copied alone into another. */
function standaloneBundle(t: ExecutionContext): string {
  const built = tempDir(t, 'sy-build-');
  execFileSync(process.execPath, [join(root, 'scripts', 'build.js'), '--only', 'switchyard-node', '--outdir', built], { stdio: 'pipe' });
  const alone = tempDir(t, 'sy-alone-');
  cpSync(built, join(alone, 'dist'), { recursive: true });
  return join(alone, 'dist', 'switchyard-node.js');
}

function runBundle(bundle: string, args: string[]) {
  // No NODE_PATH, cwd outside the repository: only what sits beside the bundle can be found.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  return spawnSync(process.execPath, [bundle, ...args], { cwd: dirname(dirname(bundle)), env, encoding: 'utf8' });
}

test('the bundle runs --help from a directory of its own, koffi beside it', (t) => {
  const bundle = standaloneBundle(t);
  t.true(existsSync(join(dirname(bundle), 'node_modules', 'koffi', 'package.json')));
  const help = runBundle(bundle, ['--help']);
  t.is(help.status, 0, help.stderr);
  t.regex(help.stdout, /usage: switchyard-node <command>/);
  for (const cmd of ['apply', 'run', 'status', 'dump', 'remove']) {
    const r = runBundle(bundle, [cmd, '--help']);
    t.is(r.status, 0, r.stderr);
    t.regex(r.stdout, new RegExp(`usage: switchyard-node ${cmd}`));
  }
  const bad = runBundle(bundle, ['apply']);
  t.is(bad.status, 2);
  t.regex(bad.stderr, /apply takes one DIR/);
});

kernelTest('the standalone bundle applies, reports and removes a node', (t) => {
  const bundle = standaloneBundle(t);
  const bpffs = mountBpffs(t);
  const work = tempDir(t);
  const cg = createCgroup(t);
  socklbArtifacts(join(work, 'gen'), 'n1', [{ vip: '192.0.2.10', port: 80, backends: [1] }], [{ id: 1, addr: '127.0.0.1', port: 8081 }], { sockOnly: true });
  const args = ['--node', 'n1', '--bpffs', bpffs, '--state', join(work, 'state')];
  const applied = runBundle(bundle, ['apply', join(work, 'gen'), ...args, '--cgroup', cg.relative]);
  t.is(applied.status, 0, applied.stderr);
  t.regex(applied.stdout, /link sock4_connect@cgroup: created and pinned/);
  const status = runBundle(bundle, ['status', ...args]);
  t.is(status.status, 0, status.stderr);
  t.regex(status.stdout, /services: .* 2 entries; in sync with the last apply/);
  t.is(runBundle(bundle, ['remove', ...args]).status, 0);
});
