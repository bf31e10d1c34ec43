// kill -9 at every step of an apply, then apply again: the node must converge to exactly what a
// clean apply gives (same entries, same program on the hook, nothing staged or left over), and
// status must say that the interrupted apply did not finish until then.

import type { ExecutionContext } from 'ava';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { kernelTestSerial } from '../helpers/kernel.ts';
import { createCgroup } from '../helpers/cgroup.ts';
import { mountBpffs, tempDir } from '../helpers/bpffs.ts';
import { runNodeCli } from './cli-runner.ts';
import { socklbArtifacts, type Backend, type Service } from './socklb-artifacts.ts';
import type { SocklbVariant } from './socklb-object.ts';

const v1: [Service[], Backend[]] = [
  [{ vip: '192.0.2.1', port: 80, backends: [1, 2] }, { vip: '192.0.2.2', port: 443, backends: [2] }],
  [{ id: 1, addr: '127.0.0.1', port: 8001 }, { id: 2, addr: '127.0.0.1', port: 8002 }],
];
const v2: [Service[], Backend[]] = [
  [{ vip: '192.0.2.1', port: 80, backends: [3] }, { vip: '192.0.2.3', port: 80, backends: [2, 3] }],
  [{ id: 2, addr: '127.0.0.1', port: 8002 }, { id: 3, addr: '127.0.0.1', port: 8003 }],
];

const steps = [
  'journal-written',
  'maps-prepared',
  'programs-loaded',
  'map-written:backends',
  'maps-written',
  'maps-migrated',
  'link:sock4_connect@cgroup',
  'links-attached',
  'stale-removed',
  'snapshot-written',
];

function scenario(title: string, v2defines: SocklbVariant) {
  kernelTestSerial(`kill -9 during an apply (${title}) at every step: the next apply converges`, (t: ExecutionContext) => {
    const bpffs = mountBpffs(t);
    const work = tempDir(t);
    const cg = createCgroup(t);
    const a1 = join(work, 'v1');
    const a2 = join(work, 'v2');
    const args = (node: string) => ['--node', node, '--bpffs', bpffs, '--state', join(work, 'state'), '--cgroup', cg.relative];
    const stable = (s: string) => s.replace(/manifest [0-9a-f]+ applied \S+/, 'manifest <m> applied <time>').replace(/id \d+/g, 'id <n>').replace(/node \S+:/, 'node <n>:');

    // What a clean apply of v2 over v1 gives, on a reference node.
    socklbArtifacts(a1, 'ref', ...v1, { sockOnly: true });
    const expected = (() => {
      t.is(runNodeCli(['apply', a1, ...args('ref')]).status, 0);
      socklbArtifacts(a2, 'ref', ...v2, { sockOnly: true, variant: 2, ...v2defines });
      t.is(runNodeCli(['apply', a2, ...args('ref')]).status, 0);
      return { dump: runNodeCli(['dump', ...args('ref').slice(0, 6)]).stdout, status: stable(runNodeCli(['status', ...args('ref').slice(0, 6)]).stdout) };
    })();
    t.regex(expected.dump, /slot = 1 \} → \{ backend = 3 \}/);

    steps.forEach((step, i) => {
      const node = `n${i}`;
      socklbArtifacts(a1, node, ...v1, { sockOnly: true });
      t.is(runNodeCli(['apply', a1, ...args(node)]).status, 0, `v1 on ${node}`);
      socklbArtifacts(a2, node, ...v2, { sockOnly: true, variant: 2, ...v2defines });
      const killed = runNodeCli(['apply', a2, ...args(node)], { dieAt: step });
      t.is(killed.signal, 'SIGKILL', `apply died at ${step}: ${killed.stderr}`);
      const interrupted = runNodeCli(['status', ...args(node).slice(0, 6)]);
      t.is(interrupted.status, 3, `status after a kill at ${step}`);
      t.regex(interrupted.stdout, /did not finish.*run apply again to converge/);

      const again = runNodeCli(['apply', a2, ...args(node)]);
      t.is(again.status, 0, `apply after a kill at ${step}: ${again.stderr}`);
      const status = runNodeCli(['status', ...args(node).slice(0, 6)]);
      t.is(status.status, 0, `healthy after converging from ${step}:\n${status.stdout}`);
      t.is(runNodeCli(['dump', ...args(node).slice(0, 6)]).stdout, expected.dump, `entries after converging from ${step}`);
      t.is(stable(status.stdout), expected.status, `maps and links after converging from ${step}`);
      t.deepEqual(readdirSync(join(bpffs, node, 'maps')).sort(), ['backends', 'packets', 'services'], `no staged map left (${step})`);
      t.deepEqual(readdirSync(join(bpffs, node, 'links')), ['sock4_connect@cgroup'], `one link (${step})`);
    });
  });
}

scenario('new contents and a new program', {});
scenario('maps change geometry and are replaced', { maxServices: 128 });
