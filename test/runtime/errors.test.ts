// Errors name the operation, the object and the next step: the messages a node operator reads
// when switchyard-node lacks privileges or meets a kernel refusal.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { constants } from 'node:os';
import { explain } from '../../runtime/sys/bpf-error.ts';
import { privilegeHint } from '../../runtime/sys/capabilities.ts';
import { SyscallError } from '../../runtime/sys/syscall.ts';
import { summarizeVerifierLog } from '../../runtime/verifier-log.ts';
import { kernelTest } from '../helpers/kernel.ts';
import { mountBpffs, tempDir } from '../helpers/bpffs.ts';
import { createCgroup } from '../helpers/cgroup.ts';
import { socklbArtifacts } from './socklb-artifacts.ts';
import { runNodeCli } from './cli-runner.ts';
import { wantedLinks } from '../../runtime/link-sync.ts';
import { lockNodeDir } from '../../runtime/node-lock.ts';
import { PinLayout } from '../../runtime/pins.ts';

test('a bpf(2) errno becomes the command, the object and what to do', (t) => {
  const eperm = explain(new SyscallError('BPF_MAP_CREATE lb4_backends', constants.errno.EPERM), 'map lb4_backends') as SyscallError;
  t.is(eperm.message, 'BPF_MAP_CREATE map lb4_backends: EPERM: not permitted: switchyard-node needs CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON (or CAP_SYS_ADMIN, also needed for mounting bpffs and opening programs and BTF by id) (run it as root)');
  t.is(eperm.code, 'EPERM', 'the errno stays available to callers');
  const missing = explain(new SyscallError('BPF_OBJ_GET /sys/fs/bpf/x', constants.errno.ENOENT), 'link pin /sys/fs/bpf/x') as SyscallError;
  t.regex(missing.message, /^BPF_OBJ_GET link pin \/sys\/fs\/bpf\/x: ENOENT: nothing is pinned there; run switchyard-node apply first$/);
  const busy = explain(new SyscallError('BPF_LINK_CREATE', constants.errno.EBUSY), 'link xdp_lb → xdp on eth0');
  t.regex((busy as Error).message, /EBUSY: the hook is taken by another program/);
  const other = new Error('not a syscall');
  t.is(explain(other, 'x'), other, 'other errors pass through untouched');
});

test('a verifier log is summed up as reason, instruction and source line', (t) => {
  const log = [
    'func#0 @0',
    '0: R1=ctx() R10=fp0',
    '; struct svc_value *svc = lookup(&services, &key); @ lb.c:40',
    '12: (85) call bpf_map_lookup_elem#1      ; R0_w=map_value_or_null(id=1)',
    '; if (svc->backend == 0) return 1; @ lb.c:41',
    '13: (61) r1 = *(u32 *)(r0 +0)',
    "R0 invalid mem access 'map_value_or_null'",
    'processed 14 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 1',
  ].join('\n');
  t.deepEqual(summarizeVerifierLog(log), {
    reason: "R0 invalid mem access 'map_value_or_null'",
    insn: '13: (61) r1 = *(u32 *)(r0 +0)',
    source: 'lb.c:41 if (svc->backend == 0) return 1;',
  });
  t.is(summarizeVerifierLog('').reason, 'the kernel gave no reason (empty verifier log)');
});

kernelTest('without root or CAP_BPF, every command names the missing capabilities', (t) => {
  const bpffs = mountBpffs(t);
  const work = tempDir(t);
  const cg = createCgroup(t);
  socklbArtifacts(join(work, 'gen'), 'n1', [{ vip: '192.0.2.1', port: 80, backends: [1] }], [{ id: 1, addr: '127.0.0.1', port: 8001 }], { sockOnly: true });
  const main = join(process.cwd(), 'runtime', 'cli', 'main.ts');
  const common = ['--node', 'n1', '--bpffs', bpffs, '--state', join(work, 'state')];
  const withPrivileges = (setpriv: string[], args: string[]) =>
    spawnSync('setpriv', [...setpriv, '--', process.execPath, '--import', 'tsx', main, ...args], { encoding: 'utf8' });

  // Root without CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN.
  const r = withPrivileges(['--bounding-set=-bpf,-sys_admin,-perfmon', '--inh-caps=-all'], ['apply', join(work, 'gen'), ...common, '--cgroup', cg.relative]);
  t.is(r.status, 1, r.stdout + r.stderr);
  t.regex(r.stderr, /EPERM: not permitted: switchyard-node needs CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON \(or CAP_SYS_ADMIN, also needed for mounting bpffs and opening programs and BTF by id\)/);
  t.regex(r.stderr, /nothing was changed on node n1/);
  t.regex(r.stderr, /switchyard-node apply needs CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON \(or CAP_SYS_ADMIN, also needed for mounting bpffs and opening programs and BTF by id\); this process lacks CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN: run it as root/);

  // Another user, on a node root has applied: the pins are root's, and the capabilities missing.
  t.is(runNodeCli(['apply', join(work, 'gen'), ...common, '--cgroup', cg.relative]).status, 0);
  // Root without CAP_SYS_ADMIN reads the entries, not their BTF: dump says why they are hex.
  const dump = withPrivileges(['--bounding-set=-bpf,-sys_admin,-perfmon', '--inh-caps=-all'], ['dump', 'services', ...common]);
  t.is(dump.status, 0, dump.stderr);
  t.regex(dump.stdout, /^map services \(.*\): 2 entries, BTF not readable \(EPERM: opening BTF by id needs CAP_SYS_ADMIN; run as root\): hex$/m);
  for (const command of ['status', 'dump', 'remove']) {
    const u = withPrivileges(['--reuid=65534', '--regid=65534', '--clear-groups'], [command, ...common]);
    t.is(u.status, 1, `${command}: ${u.stdout}${u.stderr}`);
    t.regex(u.stderr, /EACCES/, command);
    t.regex(
      u.stderr,
      new RegExp(`switchyard-node ${command} needs CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON \\(or CAP_SYS_ADMIN, also needed for mounting bpffs and opening programs and BTF by id\\); this process \\(uid 65534, not root: the pins under bpffs are root's\\) lacks CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON, CAP_SYS_ADMIN, CAP_DAC_OVERRIDE: run it as root`),
      command,
    );
  }
  t.regex(runNodeCli(['status', ...common]).stdout, /in sync with the last apply/, 'nothing was removed');
});

test('programs for devices or cgroups without --device or --cgroup are refused up front', (t) => {
  const progs = [{ name: 'xdp_lb', section: 'xdp' }, { name: 'sock4_connect', section: 'cgroup/connect4' }];
  t.throws(() => wantedLinks(progs, { devices: [], cgroupDir: '/sys/fs/cgroup/x' }), {
    message: 'program xdp_lb (section xdp) attaches to network devices; pass --device IFNAME (once per device)',
  });
  t.throws(() => wantedLinks(progs, { devices: ['eth0'] }), { message: 'program sock4_connect (section cgroup/connect4) attaches to a cgroup; pass --cgroup' });
  t.deepEqual(
    wantedLinks(progs, { devices: ['eth0', 'eth1.100'], cgroupDir: '/sys/fs/cgroup/x' }).map((w) => w.pinName),
    ['xdp_lb@eth0', 'xdp_lb@eth1%2e100', 'sock4_connect@cgroup'],
    'one link per device, dots escaped for bpffs',
  );
  t.throws(() => wantedLinks([{ name: 'p', section: 'kprobe/foo' }], { devices: [] }), { message: /section "kprobe\/foo" is not one switchyard-node can load; use one of xdp, / });
});

kernelTest('a second apply on the same node while one runs is refused, not interleaved', (t) => {
  const bpffs = mountBpffs(t);
  const work = tempDir(t);
  const cg = createCgroup(t);
  socklbArtifacts(join(work, 'gen'), 'n1', [{ vip: '192.0.2.1', port: 80, backends: [1] }], [{ id: 1, addr: '127.0.0.1', port: 8001 }], { sockOnly: true });
  const pins = new PinLayout(bpffs, 'n1');
  pins.ensureDirs();
  const held = lockNodeDir(pins.nodeDir, 'n1');
  t.teardown(() => held.release());
  const r = runNodeCli(['apply', join(work, 'gen'), '--node', 'n1', '--bpffs', bpffs, '--state', join(work, 'state'), '--cgroup', cg.relative]);
  t.is(r.status, 1);
  t.regex(r.stderr, /node n1: another switchyard-node apply or remove holds .*; wait for it to finish and run again/);
  held.release();
  t.is(runNodeCli(['apply', join(work, 'gen'), '--node', 'n1', '--bpffs', bpffs, '--state', join(work, 'state'), '--cgroup', cg.relative]).status, 0);
});

kernelTest('--verbose with a bad --cgroup: the clear message, and no JavaScript stack after it', (t) => {
  const bpffs = mountBpffs(t);
  const work = tempDir(t);
  socklbArtifacts(join(work, 'gen'), 'n1', [{ vip: '192.0.2.1', port: 80, backends: [1] }], [{ id: 1, addr: '127.0.0.1', port: 8001 }], { sockOnly: true });
  const r = runNodeCli(['apply', join(work, 'gen'), '--node', 'n1', '--bpffs', bpffs, '--state', join(work, 'state'), '--cgroup', 'surely-not-a-cgroup-here', '--verbose']);
  t.is(r.status, 1);
  t.regex(r.stderr, /^switchyard-node: error: cgroup \S+surely-not-a-cgroup-here: no such cgroup v2 directory; create it .* or fix --cgroup\n$/);
  t.notRegex(r.stderr, /\n\s+at /, 'no stack frames');
});

test('a refusal names the capabilities this process lacks; other errors, or nothing missing, add nothing', (t) => {
  const all = { uid: 0, effective: (1n << 41n) - 1n };
  const without = (...bits: bigint[]) => ({ uid: 0, effective: bits.reduce((e, b) => e & ~(1n << b), all.effective) });
  const noBpf = without(39n, 21n);
  const eperm = new SyscallError('BPF_MAP_CREATE', constants.errno.EPERM);
  t.is(privilegeHint(eperm, 'apply', noBpf), 'apply needs CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON (or CAP_SYS_ADMIN, also needed for mounting bpffs and opening programs and BTF by id); this process lacks CAP_BPF, CAP_SYS_ADMIN: run it as root');
  t.is(privilegeHint(eperm, 'apply', without(39n)), undefined, 'CAP_SYS_ADMIN stands in for CAP_BPF');
  t.regex(privilegeHint(eperm, 'apply', without(21n))!, /lacks CAP_SYS_ADMIN: run it as root$/, 'the rest held: the refusal was a CAP_SYS_ADMIN operation');
  const eacces = Object.assign(new Error("EACCES: permission denied, scandir '/sys/fs/bpf/switchyard/n1/maps'"), { code: 'EACCES' });
  t.regex(privilegeHint(eacces, 'dump', { uid: 1000, effective: 0n })!, /^dump needs .*\(uid 1000, not root: .*\) lacks CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON, CAP_SYS_ADMIN, CAP_DAC_OVERRIDE: run it as root$/);
  t.is(privilegeHint(eperm, 'apply', all), undefined, 'with every capability, EPERM has another cause');
  t.is(privilegeHint(new SyscallError('BPF_MAP_CREATE', constants.errno.E2BIG), 'apply', noBpf), undefined);
});
