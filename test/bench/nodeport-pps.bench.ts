// The talk's hairpin test, in the test topology: frames reach node 1's NodePort, which sends them
// on, translated (SNAT to node 1, towards the backend on node 2), back out of the device they came
// in on. Packets per second through that loop for the L2 reflector (the loop's own ceiling),
// Switchyard on XDP (with the FIB lookup, and in hairpin mode without it), Switchyard on tc, and
// kube-proxy-style iptables DNAT+SNAT, each in a fresh topology; then a SYN flood (every frame a
// new flow) through the XDP and tc paths, beside the same ceiling.
//
// The generator is a loop (fixtures/xdp-loop.ts): an XDP program on the router's port counts each
// frame node 1 sends back, stamps it afresh and sends it to node 1 again with XDP_TX. A few
// hundred frames seeded once circulate in NAPI on one CPU, so the figure is frames per second of
// that CPU's softirq time (tick-sampled, /proc/stat) through generator and node 1 together; the
// contenders differ only in node 1's work. The kernel's live-frame test runs
// (BPF_F_TEST_XDP_LIVE_FRAMES), which generated before, are refused with EPERM here
// (docs/datapath.md says where). A frame node 1 drops leaves the loop, so the flood runs in DSR
// mode: with SNAT a flood spends the 4,536 SNAT ports of a backend in milliseconds and every
// later SYN is dropped (the first-packet path's cost is the question, not that bound).

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { BenchResult, BenchRow } from './run.ts';
import { attachTypes } from '../../format/bpf-uapi.ts';
import { possibleCpuCount } from '../../runtime/map.ts';
import { linkCreate } from '../../runtime/sys/bpf-link.ts';
import { mapLookup, mapUpdate } from '../../runtime/sys/bpf-map.ts';
import { bpfSyscall, closeFd } from '../../runtime/sys/syscall.ts';
import type { Cleanup } from '../helpers/netns.ts';
import { buildTopology, type Topology } from '../helpers/ns-topology.ts';
import { joinNetns } from '../packet/harness.ts';
import { packet } from '../packet/scene.ts';
import { loadFixture, type LoadedFixture } from './load-fixture.ts';
import { Cleanups, iptables, reflectorProgram, switchyard } from './nodeport-setup.ts';
import { sendFrames } from './packet-socket.ts';

/** Frames seeded into the loop, and the measured window (the best of WINDOWS counts). */
const SEED = 256;
const WINDOW_MS = 2000;
const WINDOWS = 2;
const STATS_MS = 1000;

const services = `services:
  - name: pps
    type: NodePort
    ports: [{ name: pps, protocol: UDP, port: 9, targetPort: 9, nodePort: 30002 }]
    backends:
      - { address: 10.2.0.1, node: node2 }
  - name: syn
    type: NodePort
    ports: [{ name: syn, protocol: TCP, port: 80, targetPort: 80, nodePort: 30003 }]
    backends:
      - { address: 10.2.0.1, node: node2 }
`;

type Where = 'router' | 'node1' | 'node2';
const nsOf = (t: Topology, w: Where) => (w === 'router' ? t.router : t.nodes[w === 'node1' ? 0 : 1]!.ns);
const linkLine = (t: Topology, w: Where, dev: string) => nsOf(t, w).run(['ip', '-o', 'link', 'show', dev]);
const ifindex = (t: Topology, w: Where, dev: string) => Number(/^(\d+):/.exec(linkLine(t, w, dev))![1]);
const macOf = (t: Topology, w: Where, dev: string) => /link\/ether ([0-9a-f:]+)/.exec(linkLine(t, w, dev))![1]!;
const macBytes = (mac: string) => mac.split(':').map((x) => parseInt(x, 16));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An XDP program on `dev` in the namespace this thread is in, by a link closed in teardown. */
function attachXdp(c: Cleanup, prog: number, index: number): void {
  const link = linkCreate({ progFd: prog, target: index, attachType: attachTypes.xdp });
  c.teardown(() => closeFd(link));
}

/** What flows through the loop: one UDP flow, or a SYN flood (a new TCP flow per frame). */
type Traffic = 'udp' | 'flood';

interface Contender {
  label: string;
  setup: (c: Cleanup, t: Topology) => void;
}

/** Per CPU: frames the loop counted, translated (to the backend) and all. */
function loopCounts(loop: LoadedFixture): { translated: number[]; all: number[] } {
  const cpus = possibleCpuCount();
  const value = new Uint8Array(16 * cpus);
  const translated: number[] = [];
  const all: number[] = [];
  mapLookup(loop.maps.get('loop_count')!, new Uint8Array(4), value);
  const dv = new DataView(value.buffer);
  for (let i = 0; i < cpus; i++) {
    const tr = Number(dv.getBigUint64(i * 16, true));
    translated.push(tr);
    all.push(tr + Number(dv.getBigUint64(i * 16 + 8, true)));
  }
  return { translated, all };
}

/** Per CPU: softirq time so far, in USER_HZ ticks (/proc/stat's seventh column). */
function softirqTicks(): number[] {
  return readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d+ /.test(l))
    .map((l) => Number(l.split(/\s+/)[7]));
}
const USER_HZ = 100;

/**
 * The kernel's BPF statistics (run_time_ns, run_cnt) on while the returned fd is open:
 * BPF_ENABLE_STATS, not the kernel.bpf_stats_enabled sysctl another bench may be switching.
 */
function enableStats(c: Cleanup): void {
  const attr = Buffer.alloc(4); // type: BPF_STATS_RUN_TIME
  const fd = bpfSyscall('BPF_ENABLE_STATS', BPF_ENABLE_STATS, attr);
  c.teardown(() => closeFd(fd));
}
const BPF_ENABLE_STATS = 32;

/** The ids of the XDP programs attached to `dev` in namespace `ns`. */
function xdpPrograms(ns: Topology['router'], dev: string): number[] {
  const ids: number[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (k === 'id' || k === 'prog_id') && typeof x === 'number' ? ids.push(x) : walk(x);
  };
  walk((JSON.parse(ns.run(['bpftool', '-j', 'net', 'show', 'dev', dev])) as Array<{ xdp?: unknown }>).map((x) => x.xdp));
  return [...new Set(ids)];
}

/** Nanoseconds the kernel spent in these programs so far (BPF statistics). */
function runTimeNs(ids: number[]): number {
  let ns = 0;
  for (const id of ids) ns += (JSON.parse(execFileSync('bpftool', ['-j', 'prog', 'show', 'id', String(id)], { encoding: 'utf8' })) as { run_time_ns?: number }).run_time_ns ?? 0;
  return ns;
}

interface Measured {
  /** Frames per second of the loop CPU's softirq time. */
  mpps: number;
  /** Frames per second of wall time, and the share of its CPU the loop got. */
  wallMpps: number;
  cpuShare: number;
  /** Of the frames counted, those that arrived translated (to the backend). */
  translated: number;
  /** Per frame, nanoseconds in node 1's XDP program and in the loop's (BPF statistics, own window). */
  node1Ns: number;
  loopNs: number;
}

/** The 60-byte frame node 1 gets: one UDP flow, or a TCP SYN (padded; flood mode varies its source). */
function template(t: Topology, port: string, traffic: Traffic): Uint8Array {
  const macs = { dstMac: macBytes(macOf(t, 'node1', 'eth0')), srcMac: macBytes(macOf(t, 'router', port)) };
  if (traffic === 'udp') return packet({ proto: 'udp', src: '198.51.100.1', dst: '10.0.0.1', sport: 40000, dport: 30002, payload: new Array(18).fill(0), ...macs });
  const syn = packet({ src: '198.51.100.1', dst: '10.0.0.1', sport: 40000, dport: 30003, ...macs });
  const frame = new Uint8Array(60);
  frame.set(syn);
  return frame;
}

async function measure(x: Contender, traffic: Traffic): Promise<Measured> {
  const c = new Cleanups();
  try {
    const topo = buildTopology(c, { pods: [{ node: 1, address: '10.2.0.1', name: 'pps' }] });
    topo.receiveXdp();
    const port = topo.nodes[0]!.routerPort;
    // node 1 knows node 2's MAC already (the FIB answers SUCCESS from the first frame).
    topo.nodes[0]!.ns.run(['ip', 'neigh', 'replace', '10.0.0.2', 'lladdr', macOf(topo, 'node2', 'eth0'), 'dev', 'eth0', 'nud', 'permanent']);
    x.setup(c, topo);
    const frame = template(topo, port, traffic);
    if (frame.length !== 60) throw new Error(`template frame is ${frame.length} bytes, the loop stamps 60`);
    topo.router.run(['ip', 'link', 'set', 'dev', port, 'xdp', 'off']);
    joinNetns(c, topo.router.name);
    const loop = loadFixture(c, 'xdp-loop.ts', 'xdp_loop');
    mapUpdate(loop.maps.get('loop_template')!, new Uint8Array(4), frame);
    const config = (stop: number) => mapUpdate(loop.maps.get('loop_config')!, new Uint8Array(4), new Uint8Array(new Uint32Array([stop, traffic === 'flood' ? 1 : 0]).buffer));
    config(0);
    c.teardown(() => config(1)); // drain before the topology goes
    attachXdp(c, loop.fd, ifindex(topo, 'router', port));
    const node1Programs = xdpPrograms(topo.nodes[0]!.ns, 'eth0');
    const loopPrograms = xdpPrograms(topo.router, port);
    sendFrames(ifindex(topo, 'router', port), frame, SEED);
    await sleep(200); // warm up: conntrack entries, neighbour, caches
    let best: Measured = { mpps: 0, wallMpps: 0, cpuShare: 0, translated: 0, node1Ns: 0, loopNs: 0 };
    for (let i = 0; i < WINDOWS; i++) {
      const before = loopCounts(loop);
      const ticks0 = softirqTicks();
      const t0 = process.hrtime.bigint();
      await sleep(WINDOW_MS);
      const after = loopCounts(loop);
      const ticks1 = softirqTicks();
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const got = after.all.map((n, cpu) => n - before.all[cpu]!);
      // The loop stays on the CPU it started on; if the scheduler moved it, both CPUs' time counts.
      const busy = got.map((n, cpu) => (n > 0 ? cpu : -1)).filter((cpu) => cpu >= 0);
      const frames = got.reduce((a, b) => a + b, 0);
      const softSeconds = busy.reduce((a, cpu) => a + (ticks1[cpu]! - ticks0[cpu]!), 0) / USER_HZ;
      const translated = after.translated.reduce((a, b) => a + b, 0) - before.translated.reduce((a, b) => a + b, 0);
      const m: Measured = { mpps: softSeconds > 0 ? frames / softSeconds / 1e6 : 0, wallMpps: frames / seconds / 1e6, cpuShare: softSeconds / seconds / Math.max(1, busy.length), translated: frames ? translated / frames : 0, node1Ns: 0, loopNs: 0 };
      if (m.mpps > best.mpps) best = m;
    }
    // The statistics read the clock twice per program run, which slows the loop by half: a window
    // of their own, after the packet rate's.
    const statsOff = new Cleanups();
    try {
      enableStats(statsOff);
      const frames0 = loopCounts(loop).all.reduce((a, b) => a + b, 0);
      const [node1Ns0, loopNs0] = [runTimeNs(node1Programs), runTimeNs(loopPrograms)];
      await sleep(STATS_MS);
      const frames = loopCounts(loop).all.reduce((a, b) => a + b, 0) - frames0;
      if (frames > 0) {
        best.node1Ns = (runTimeNs(node1Programs) - node1Ns0) / frames;
        best.loopNs = (runTimeNs(loopPrograms) - loopNs0) / frames;
      }
    } finally {
      statsOff.run();
    }
    return best;
  } finally {
    c.run();
  }
}

/** Links are made by fd in the namespace this thread is in: enter node 1's for the attach. */
function onNode1(t: Topology, fn: () => void): void {
  const c = new Cleanups();
  joinNetns(c, t.nodes[0]!.ns.name);
  try {
    fn();
  } finally {
    c.run();
  }
}

const reflector: Contender = {
  label: "L2 reflector on node 1 (the loop's ceiling)",
  setup: (c, t) => onNode1(t, () => { const fd = reflectorProgram(); c.teardown(() => closeFd(fd)); attachXdp(c, fd, ifindex(t, 'node1', 'eth0')); }),
};

const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const verdict = (what: string, got: number, target: number) => `target ${what} ≥ ${target.toFixed(2)}× the ceiling: ${got >= target ? 'met' : 'NOT met'} (${got.toFixed(2)}×)`;

async function rowsOf(contenders: Contender[], traffic: Traffic): Promise<{ rows: BenchRow[]; mpps: number[] }> {
  const rows: BenchRow[] = [];
  const mpps: number[] = [];
  for (const x of contenders) {
    const r = await measure(x, traffic);
    mpps.push(r.mpps);
    rows.push({ label: x.label, figures: { Mpps: r.mpps.toFixed(2), 'wall Mpps (CPU share)': `${r.wallMpps.toFixed(2)} (${(r.cpuShare * 100).toFixed(0)}%)`, translated: `${(r.translated * 100).toFixed(1)}%`, 'node 1 XDP ns/frame': r.node1Ns.toFixed(1), 'loop XDP ns/frame': r.loopNs.toFixed(1) } });
  }
  for (const [i, r] of rows.entries()) r.figures['vs ceiling'] = ratio(mpps[i]!, mpps[0]!);
  return { rows, mpps };
}

export default async function nodeportPpsBench(): Promise<BenchResult> {
  const established = await rowsOf(
    [
      reflector,
      { label: 'Switchyard XDP (FIB lookup, route cached)', setup: (c, t) => switchyard(c, t, 'xdp', services) },
      { label: 'Switchyard XDP (hairpin, no FIB)', setup: (c, t) => switchyard(c, t, 'xdp', services, true) },
      { label: 'Switchyard tc (FIB lookup, route cached)', setup: (c, t) => { t.xdpPassOnNode(0); switchyard(c, t, 'tc', services); } },
      { label: 'iptables DNAT+SNAT (kube-proxy)', setup: (_c, t) => { t.xdpPassOnNode(0); iptables(t, 'udp', 30002, '10.2.0.1:9'); } },
    ],
    'udp',
  );
  const ipt = established.mpps.at(-1)!;
  for (const [i, r] of established.rows.entries()) r.figures['vs iptables'] = ratio(established.mpps[i]!, ipt);
  const flood = await rowsOf(
    [
      { ...reflector, label: "SYN flood: L2 reflector (the loop's ceiling)" },
      { label: 'SYN flood: Switchyard XDP (DSR), new flows/s', setup: (c, t) => switchyard(c, t, 'xdp', services, false, 'dsr') },
      { label: 'SYN flood: Switchyard tc (DSR), new flows/s', setup: (c, t) => { t.xdpPassOnNode(0); switchyard(c, t, 'tc', services, false, 'dsr'); } },
    ],
    'flood',
  );
  const xdp = established.mpps[1]!;
  flood.rows[1]!.figures['vs established'] = ratio(flood.mpps[1]!, xdp);
  flood.rows[2]!.figures['vs established'] = ratio(flood.mpps[2]!, established.mpps[3]!);
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  return {
    title: "north-south LB: packets per second through a NodePort (the talk's hairpin test, one CPU)",
    rows: [...established.rows, ...flood.rows],
    notes: [
      verdict('XDP NodePort packets/s', xdp / established.mpps[0]!, 0.9),
      `generator: ${SEED} frames circulating between an XDP loop on the router's port and node 1 (fixtures/xdp-loop.ts), best of ${WINDOWS} windows of ${WINDOW_MS / 1000} s; Mpps per second of the loop CPU's softirq time (tick-sampled), generator included in every figure; load average ${load}`,
      'translated: of the frames counted, those that left node 1 towards the backend (the reflector translates nothing); XDP ns/frame: the kernel\'s BPF statistics (run_time_ns, in a window of their own: they slow the loop) of node 1\'s XDP program (XDP_PASS for tc and iptables) and of the loop, per frame; each includes two clock reads, so the reflector\'s figure is mostly that overhead, and the difference from it is a program\'s own work',
      'SYN flood: every frame a new flow (source host of 198.51.100.0/24 and port at random), in DSR mode (SNAT would spend its 4,536 ports per backend in milliseconds, and dropped frames leave the loop); vs established: the UDP row of the same hook',
    ],
  };
}
