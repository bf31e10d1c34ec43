// Drift and dry runs: status notices entries someone else changed in a live map (exit 3),
// apply --reconcile puts them back; apply --dry-run says what it would do and changes nothing.

import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelTest } from '../helpers/kernel.ts';
import { createCgroup } from '../helpers/cgroup.ts';
import { mountBpffs, tempDir } from '../helpers/bpffs.ts';
import { LiveMap } from '../../runtime/map.ts';
import { runNodeCli } from './cli-runner.ts';
import { serviceEntries, socklbArtifacts } from './socklb-artifacts.ts';

const services = [{ vip: '192.0.2.1', port: 80, backends: [1] }];
const backends = [{ id: 1, addr: '127.0.0.1', port: 8001 }];

kernelTest('status reports drift in a live map, and apply --reconcile converges it', (t) => {
  const bpffs = mountBpffs(t);
  const work = tempDir(t);
  const cg = createCgroup(t);
  const args = ['--node', 'n1', '--bpffs', bpffs, '--state', join(work, 'state')];
  socklbArtifacts(join(work, 'gen'), 'n1', services, backends, { sockOnly: true });
  t.is(runNodeCli(['apply', join(work, 'gen'), ...args, '--cgroup', cg.relative]).status, 0);

  // Someone else writes to the map: one entry changed, one foreign entry added.
  const m = LiveMap.openPinned(join(bpffs, 'n1', 'maps', 'services'), 'services');
  t.teardown(() => m.close());
  const [slot1] = serviceEntries(services);
  m.writeMany(slot1!.key, new Uint8Array([9, 0, 0, 0]), 1);
  const [foreign] = serviceEntries([{ vip: '198.51.100.7', port: 53, backends: [1] }]);
  m.writeMany(foreign!.key, foreign!.value, 1);

  const drifted = runNodeCli(['status', ...args]);
  t.is(drifted.status, 3);
  t.regex(drifted.stdout, /services: .*DRIFT since the last apply: 1 unexpected, 1 changed, 0 missing; run apply --reconcile/);
  t.regex(drifted.stdout, /backends: .*in sync with the last apply/);

  const fixed = runNodeCli(['apply', join(work, 'gen'), ...args, '--cgroup', cg.relative, '--reconcile']);
  t.is(fixed.status, 0, fixed.stderr);
  t.regex(fixed.stdout, /map services: added 0, changed 1, removed 1 → 2 entries \(diffed against the live map\)/);
  const after = runNodeCli(['status', ...args]);
  t.is(after.status, 0, after.stdout);
  t.regex(after.stdout, /services: .*in sync with the last apply/);
});

kernelTest('apply --dry-run prints the plan and changes nothing', (t) => {
  const bpffs = mountBpffs(t);
  const work = tempDir(t);
  const cg = createCgroup(t);
  const args = ['--node', 'n1', '--bpffs', bpffs, '--state', join(work, 'state'), '--cgroup', cg.relative];
  socklbArtifacts(join(work, 'v1'), 'n1', services, backends, { sockOnly: true });

  const fresh = runNodeCli(['apply', join(work, 'v1'), ...args, '--dry-run']);
  t.is(fresh.status, 0, fresh.stderr);
  t.regex(fresh.stdout, /^dry run: node n1/m);
  t.regex(fresh.stdout, /map services: would add 2, changed 0, removed 0 → 2 entries .*would be created/);
  t.regex(fresh.stdout, /program sock4_connect \(section cgroup\/connect4\): would be loaded/);
  t.false(existsSync(join(bpffs, 'n1')), 'nothing pinned');

  t.is(runNodeCli(['apply', join(work, 'v1'), ...args]).status, 0);
  const dumpBefore = runNodeCli(['dump', ...args.slice(0, 4)]).stdout;
  socklbArtifacts(join(work, 'v2'), 'n1', [...services, { vip: '192.0.2.2', port: 80, backends: [1] }], backends, { sockOnly: true });
  const plan = runNodeCli(['apply', join(work, 'v2'), ...args, '--dry-run']);
  t.is(plan.status, 0, plan.stderr);
  t.regex(plan.stdout, /map services: would add 2, changed 0, removed 0 → 4 entries \(diffed against the live map\)/);
  t.regex(plan.stdout, /map backends: unchanged|map backends: would add 0, changed 0, removed 0/);
  t.is(runNodeCli(['dump', ...args.slice(0, 4)]).stdout, dumpBefore);
  t.is(runNodeCli(['status', ...args.slice(0, 6)]).status, 0);
});

kernelTest('a changed --cgroup moves the link to the new cgroup, even with the same artifacts', (t) => {
  const bpffs = mountBpffs(t);
  const work = tempDir(t);
  const cg1 = createCgroup(t);
  const cg2 = createCgroup(t);
  const args = ['--node', 'n1', '--bpffs', bpffs, '--state', join(work, 'state')];
  socklbArtifacts(join(work, 'gen'), 'n1', services, backends, { sockOnly: true });
  t.is(runNodeCli(['apply', join(work, 'gen'), ...args, '--cgroup', cg1.relative]).status, 0);
  const moved = runNodeCli(['apply', join(work, 'gen'), ...args, '--cgroup', cg2.relative]);
  t.is(moved.status, 0, moved.stderr);
  t.regex(moved.stdout, /link sock4_connect@cgroup: created and pinned/);
  const ino = (p: string) => String(statSync(p, { bigint: true }).ino);
  const status = runNodeCli(['status', ...args]).stdout;
  t.regex(status, new RegExp(`on cgroup id ${ino(cg2.path)},`));
  t.notRegex(status, new RegExp(`on cgroup id ${ino(cg1.path)},`));
});

kernelTest('a snapshot that cannot be written is a warning: the apply stands, the next one reads the live maps', (t) => {
  const bpffs = mountBpffs(t);
  const work = tempDir(t);
  const cg = createCgroup(t);
  writeFileSync(join(work, 'not-a-dir'), '');
  const args = ['--node', 'n1', '--bpffs', bpffs, '--state', join(work, 'not-a-dir'), '--cgroup', cg.relative];
  socklbArtifacts(join(work, 'gen'), 'n1', services, backends, { sockOnly: true });
  const r = runNodeCli(['apply', join(work, 'gen'), ...args]);
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /warning: could not write the snapshot to .*not-a-dir\/n1 .*; the next apply will read the live maps instead/);
  const status = runNodeCli(['status', ...args.slice(0, 6)]);
  t.is(status.status, 0, status.stdout);
  t.regex(status.stdout, /no snapshot of that apply/);
  t.regex(runNodeCli(['apply', join(work, 'gen'), ...args]).stdout, /map services: added 0, changed 0, removed 0 → 2 entries \(diffed against the live map\)/);
});
