// The capability set docs/deploy.md lists for the DaemonSet, proved on the compiler's real output
// (generated/demo, and the same spec compiled for XDP): switchyard-node apply and run work as
// root with exactly runtime/sys/capabilities.ts's NEEDED, and with any one of them dropped they
// fail, naming it. CAP_SYS_ADMIN is needed beyond them to mount bpffs where none is mounted, and
// to apply a new object over an old one (the kernel opens objects by id for it alone).

import type { ExecutionContext } from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as a from '../../compiler/bpf/asm.ts';
import { be16, be32, struct, u16, u32, u64, type CType } from '../../compiler/bpf/ctype.ts';
import { buildObject } from '../../compiler/bpf/object.ts';
import { R0 } from '../../compiler/bpf/register.ts';
import { LiveMap } from '../../runtime/map.ts';
import { NEEDED, type Capability } from '../../runtime/sys/capabilities.ts';
import { tempDir } from '../helpers/bpffs.ts';
import { demoNode } from '../helpers/demo-node.ts';
import { kernelTest } from '../helpers/kernel.ts';
import { writeArtifacts } from './socklb-artifacts.ts';
import type { Netns } from '../helpers/netns.ts';

const root = process.cwd();
const bundle = join(root, 'dist', 'switchyard-node.js');

/** setpriv's name for a capability: CAP_NET_ADMIN → net_admin. */
const setprivName = (cap: Capability) => cap.slice(4).toLowerCase();

/** argv that runs switchyard-node in `ns` as root holding exactly `caps` (bounding set, nothing inheritable). */
function withCaps(ns: Netns, caps: readonly Capability[], args: string[]): string[] {
  const bounding = ['-all', ...caps.map((c) => '+' + setprivName(c))].join(',');
  return [...ns.enter, 'setpriv', `--bounding-set=${bounding}`, '--inh-caps=-all', '--', process.execPath, bundle, ...args];
}

function run(argv: string[]) {
  return spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', cwd: root, timeout: 120_000 });
}

/** The demo spec compiled with XDP as its north-south hook, into a temp directory. */
function xdpDemo(t: ExecutionContext): string {
  const work = tempDir(t);
  cpSync(join(root, 'specs', 'demo'), join(work, 'specs', 'demo'), { recursive: true });
  const spec = join(work, 'specs', 'demo', 'cluster.yaml');
  const text = readFileSync(spec, 'utf8');
  if (!/northSouthHook: tc/.test(text)) throw new Error('specs/demo/cluster.yaml no longer says northSouthHook: tc');
  writeFileSync(spec, text.replace('northSouthHook: tc', 'northSouthHook: xdp'));
  const r = run([process.execPath, join(root, 'dist', 'switchyard.js'), 'compile', join(work, 'specs', 'demo'), '-o', join(work, 'gen')]);
  if (r.status !== 0) throw new Error(r.stderr);
  return join(work, 'gen', 'demo');
}

for (const hook of ['tc', 'xdp'] as const) {
  kernelTest(`apply (${hook}) works with exactly ${NEEDED.join(', ')}, and fails naming any one dropped`, (t) => {
    const n = demoNode(t, 'sycap');
    const dir = hook === 'tc' ? join(root, 'generated', 'demo') : xdpDemo(t);
    for (const dropped of NEEDED) {
      const r = run(withCaps(n.ns, NEEDED.filter((c) => c !== dropped), ['apply', ...n.args(dir)]));
      t.is(r.status, 1, `without ${dropped}: ${r.stdout}${r.stderr}`);
      t.regex(r.stderr, /nothing was changed on node node1/, dropped);
      t.regex(r.stderr, new RegExp(`^switchyard-node apply needs CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON .*; this process lacks (\\S+, )*${dropped}(, \\S+)*: run it as root$`, 'm'), dropped);
    }
    const ok = run(withCaps(n.ns, NEEDED, ['apply', ...n.args(dir)]));
    t.is(ok.status, 0, ok.stderr);
    t.notRegex(ok.stdout + ok.stderr, /node clock/, 'the clock probe (runtime/clock-probe.ts) runs with these capabilities too');
    t.regex(ok.stdout, new RegExp(`link ${hook === 'tc' ? 'nodeport_ingress' : 'nodeport_xdp'}@${n.device}: created and pinned`));
    t.regex(ok.stdout, /link connect4@cgroup: created and pinned/);
  }, ['ip']);
}

kernelTest('without a mounted bpffs, CAP_SYS_ADMIN is needed to mount one, and named', (t) => {
  const n = demoNode(t, 'sycap');
  const unmounted = join(tempDir(t), 'not-bpffs');
  mkdirSync(unmounted);
  const args = n.args(join(root, 'generated', 'demo')).map((a) => (a === n.pins ? join(unmounted, 'switchyard') : a));
  const r = run(withCaps(n.ns, NEEDED, ['apply', ...args]));
  t.is(r.status, 1, r.stdout + r.stderr);
  t.regex(r.stderr, /mount -t bpf .*: EPERM/);
  t.regex(r.stderr, /this process lacks CAP_SYS_ADMIN: run it as root$/m);
});

kernelTest(`the agent runs with exactly ${NEEDED.join(', ')}: applied, ready, per-service counters served`, async (t) => {
  const n = demoNode(t, 'sycap');
  const port = 9464; // the namespace is the test's own
  const argv = withCaps(n.ns, NEEDED, ['run', ...n.args(join(root, 'generated', 'demo')), '--listen', `127.0.0.1:${port}`]);
  const child = spawn(argv[0]!, argv.slice(1), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  t.teardown(() => void child.kill('SIGKILL'));
  // The agent listens inside the namespace: ask from there.
  const get = (path: string) =>
    run([...n.ns.enter, process.execPath, '-e', `fetch('http://127.0.0.1:${port}${path}').then(async (r) => console.log(r.status + '\\n' + (await r.text())), () => console.log('000'))`]).stdout;
  let ready = '';
  for (let i = 0; i < 100 && !ready.startsWith('200'); i++) {
    await new Promise((r) => setTimeout(r, 200));
    ready = get('/readyz');
  }
  t.regex(ready, /^200\nready/, out);
  // One connection to a ClusterIP from the cgroup: the socket LB counts its translation, and
  // /metrics shows it though the kernel's BTF of lb_stats is not readable without CAP_SYS_ADMIN.
  run([...n.ns.enter, 'sh', '-c', `${n.cg.joinScript} ${process.execPath} -e "require('net').connect(8080, '10.5.0.4').on('error', () => {})"`]);
  const metrics = get('/metrics');
  t.regex(metrics, /^switchyard_applied_generation \d+$/m);
  t.regex(metrics, /^switchyard_map_fill_ratio\{map="lb4_services"\} /m);
  t.regex(metrics, /^switchyard_service_translations_total\{service="default\/external:http\/TCP",service_id="1"\} 1$/m);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  t.notRegex(out, /EPERM|EACCES/, out);
});

/** Artifacts of one conntrack-like map with value struct `value`, and a socket program using it. */
function ctArtifacts(dir: string, value: CType): void {
  const key = struct('ct_key', [['saddr', be32], ['dport', be16], ['pad', u16]]);
  const object = buildObject({
    maps: [{ name: 'ct', type: 'lru_hash', key, value, maxEntries: 64 }],
    programs: [{ name: 'sock4_connect', section: 'cgroup/connect4', items: [a.ldMap(R0, 'ct'), a.mov64(R0, 1), a.exit()] }],
  }).elf;
  writeArtifacts(dir, { node: 'node1', object, contents: [] });
}

kernelTest('a new object needs CAP_SYS_ADMIN (its programs swapped into the links, a map carried over a new layout), and says so', (t) => {
  const n = demoNode(t, 'sycapm');
  const work = tempDir(t);
  ctArtifacts(join(work, 'v1'), struct('ct_value', [['lifetime', u64], ['backend_id', u32], ['pad', u32]]));
  // The same geometry: the map stays, the program (whose BTF changed) is swapped into the link.
  ctArtifacts(join(work, 'swap'), struct('ct_value', [['lifetime', u64], ['backend_id', u32], ['ifindex', u32]]));
  // A larger value: the map is replaced and its entries are copied field by field.
  ctArtifacts(join(work, 'grow'), struct('ct_value', [['lifetime', u64], ['ifindex', u32], ['backend_id', u32], ['bytes', u64]]));
  const args = (dir: string) => n.args(dir).filter((_, i, all) => all[i] !== '--device' && all[i - 1] !== '--device');
  t.is(run(withCaps(n.ns, NEEDED, ['apply', ...args(join(work, 'v1'))])).status, 0, 'the first apply needs no more');
  const ct = LiveMap.openPinned(join(n.pins, 'node1', 'maps', 'ct'), 'ct');
  ct.writeMany(new Uint8Array([198, 51, 100, 1, 0, 80, 0, 0]), new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0]), 1);
  ct.close();

  const refusals = {
    // The link's running program is opened by id, to swap the new one in with BPF_F_REPLACE.
    swap: /^switchyard-node: error: BPF_PROG_GET_FD_BY_ID program \d+ of link sock4_connect@cgroup: EPERM: not permitted: opening a kernel object by id needs CAP_SYS_ADMIN/m,
    grow: /^switchyard-node: error: map ct: its entries cannot be carried over to the new layout: reading the replaced map's BTF by id needs CAP_SYS_ADMIN/m,
  };
  for (const [dir, message] of Object.entries(refusals)) {
    const r = run(withCaps(n.ns, NEEDED, ['apply', ...args(join(work, dir))]));
    t.is(r.status, 1, `${dir}: ${r.stdout}${r.stderr}`);
    t.regex(r.stderr, message, dir);
    t.regex(r.stderr, /nothing was changed on node node1/, dir);
    t.regex(r.stderr, /this process lacks CAP_SYS_ADMIN: run it as root$/m, dir);
  }

  const ok = run(withCaps(n.ns, [...NEEDED, 'CAP_SYS_ADMIN'], ['apply', ...args(join(work, 'grow'))]));
  t.is(ok.status, 0, ok.stderr);
  t.regex(ok.stdout, /map ct: .*1 entr/, 'the conntrack entry carried over');
});
