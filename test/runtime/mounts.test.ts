// The filesystems switchyard-node relies on come from /proc/mounts: the cgroup v2 hierarchy for
// --cgroup, and a bpf filesystem for the pins, mounted by apply when none covers --bpffs (a
// symlink to a bpffs covers it).

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { mountCovering, readMounts, resolveCgroup } from '../../runtime/mounts.ts';
import { kernelTest } from '../helpers/kernel.ts';
import { mountBpffs, tempDir } from '../helpers/bpffs.ts';
import { createCgroup, cgroup2Root } from '../helpers/cgroup.ts';
import { runNodeCli } from './cli-runner.ts';
import { socklbArtifacts } from './socklb-artifacts.ts';

const sample = [
  'sysfs /sys sysfs rw 0 0',
  'cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0',
  'bpf /sys/fs/bpf bpf rw 0 0',
  'tmpfs /sys/fs/bpf/over tmpfs rw 0 0',
  'bpf /tmp/with\\040space bpf rw 0 0',
].join('\n');

test('mounts are read from /proc/mounts, escapes undone, the deepest mount deciding', (t) => {
  const m = readMounts(sample);
  t.deepEqual(m.find((e) => e.fstype === 'cgroup2')?.target, '/sys/fs/cgroup/unified');
  t.is(mountCovering('/sys/fs/bpf/switchyard', 'bpf', m), '/sys/fs/bpf');
  t.is(mountCovering('/sys/fs/bpf/over/x', 'bpf', m), undefined, 'a tmpfs mounted over bpffs is not bpffs');
  t.is(mountCovering('/tmp/with space/n1', 'bpf', m), '/tmp/with space');
  t.is(mountCovering('/sys/fs/bpfx', 'bpf', m), undefined, 'a prefix of a name is not a parent directory');
});

kernelTest('--cgroup is relative to the cgroup v2 mount unless it is an absolute path inside it', (t) => {
  const root = cgroup2Root();
  const cg = createCgroup(t);
  t.is(resolveCgroup(undefined), root);
  t.is(resolveCgroup(cg.relative), cg.path);
  t.is(resolveCgroup(cg.path), cg.path);
  t.throws(() => resolveCgroup('surely-not-a-cgroup-here'), { message: /no such cgroup v2 directory; create it .* or fix --cgroup/ });
});

kernelTest('apply mounts a bpf filesystem where --bpffs has none', (t) => {
  const work = tempDir(t);
  const bpffs = join(work, 'pins');
  const cg = createCgroup(t);
  t.teardown(() => {
    spawnSync('umount', ['-l', bpffs]);
  });
  socklbArtifacts(join(work, 'gen'), 'n1', [{ vip: '192.0.2.1', port: 80, backends: [1] }], [{ id: 1, addr: '127.0.0.1', port: 8001 }], { sockOnly: true });
  const r = runNodeCli(['apply', join(work, 'gen'), '--node', 'n1', '--bpffs', bpffs, '--state', join(work, 'state'), '--cgroup', cg.relative]);
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, new RegExp(`mounted bpffs at ${bpffs}`));
  t.is(mountCovering(bpffs, 'bpf'), bpffs);
});

kernelTest('--bpffs through a symlink is the mount it points to: nothing mounted over it, nothing reloaded', (t) => {
  const work = tempDir(t);
  const real = mountBpffs(t);
  const link = join(work, 'bpffs-link');
  symlinkSync(real, link);
  const cg = createCgroup(t);
  socklbArtifacts(join(work, 'gen'), 'n1', [{ vip: '192.0.2.1', port: 80, backends: [1] }], [{ id: 1, addr: '127.0.0.1', port: 8001 }], { sockOnly: true });
  const apply = () => runNodeCli(['apply', join(work, 'gen'), '--node', 'n1', '--bpffs', link, '--state', join(work, 'state'), '--cgroup', cg.relative]);
  const first = apply();
  t.is(first.status, 0, first.stderr);
  t.notRegex(first.stdout, /mounted bpffs/);
  t.is(mountCovering(link, 'bpf'), real);
  const second = apply();
  t.is(second.status, 0, second.stderr);
  t.notRegex(second.stdout, /mounted bpffs/);
  t.regex(second.stdout, /programs: unchanged/);
  t.is(readMounts().filter((m) => m.target === real).length, 1, 'one bpffs at the real directory, none stacked on it');
  t.true(existsSync(join(real, 'n1', 'links', 'sock4_connect@cgroup')), 'the pins are in the mount the link points to');
});
