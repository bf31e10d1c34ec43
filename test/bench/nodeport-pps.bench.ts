// The talk's hairpin test, in the test topology: frames made in the kernel reach node 1's
// NodePort, which sends them on, translated (SNAT to node 1, towards the backend on node 2), back
// out of the device they came in on, where a sink counts and drops them. Packets per second
// through that loop for the L2 reflector (the loop's own ceiling), Switchyard on XDP (with the
// FIB lookup, and in hairpin mode without it), Switchyard on tc, and kube-proxy-style iptables
// DNAT+SNAT, each in a fresh topology.
//
// The generator is BPF_PROG_TEST_RUN in live-frame mode (BPF_F_TEST_XDP_LIVE_FRAMES): each run's
// XDP_TX sends a real frame out of the router's port to node 1's eth0. Generator, node 1 and sink
// run in softirq on the generating CPU, so the figure is what one CPU moves through the whole
// loop; the contenders differ only in node 1's work. Each frame is one UDP datagram of one flow
// (198.51.100.1:40000 → 10.0.0.1:30002), as the talk's pktgen sent.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult, BenchRow } from './run.ts';
import { encode } from '../../compiler/bpf/encode.ts';
import { linkItems } from '../../compiler/bpf/link-items.ts';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { compileFiles } from '../../compiler/lang/compile.ts';
import { attachTypes } from '../../format/bpf-uapi.ts';
import { possibleCpuCount } from '../../runtime/map.ts';
import { BPF_F_TEST_XDP_LIVE_FRAMES, mapCreate, progLoad, progTestRun, ProgType } from '../../runtime/sys/bpf.ts';
import { linkCreate } from '../../runtime/sys/bpf-link.ts';
import { mapLookup, mapUpdate } from '../../runtime/sys/bpf-map.ts';
import { closeFd } from '../../runtime/sys/syscall.ts';
import type { Cleanup } from '../helpers/netns.ts';
import { buildTopology, type Topology } from '../helpers/ns-topology.ts';
import { joinNetns } from '../packet/harness.ts';
import { packet } from '../packet/scene.ts';
import { Cleanups, iptables, reflectorProgram, switchyard } from './nodeport-setup.ts';
import { requiredMapBtf } from '../../verifier/kernel.ts';

/** Frames per measured call, and calls per contender (the best one counts). */
const FRAMES = 2_000_000;
const CALLS = 3;

const services = `services:
  - name: pps
    type: NodePort
    ports: [{ name: pps, protocol: UDP, port: 9, targetPort: 9, nodePort: 30002 }]
    backends:
      - { address: 10.2.0.1, node: node2 }
`;

interface Loaded {
  fd: number;
  maps: Map<string, number>;
}

/** Compiles and loads one fixture program (and its maps), closed in teardown. */
function loadFixture(c: Cleanup, file: string, program: string): Loaded {
  const r = compileFiles([join(import.meta.dirname, 'fixtures', file)], { config: {} });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`compile ${file}:\n${errors.map(formatDiagnostic).join('\n')}`);
  const maps = new Map<string, number>();
  for (const m of r.maps) {
    const fd = mapCreate({ type: m.mapType, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags, name: m.name, ...requiredMapBtf(m.mapType, m.valueSize) });
    maps.set(m.name, fd);
    c.teardown(() => closeFd(fd));
  }
  const fd = progLoad({ type: ProgType.XDP, insns: encode(linkItems(r.object, program), { maps }).bytes, license: 'GPL', name: program }).fd;
  c.teardown(() => closeFd(fd));
  return { fd, maps };
}


type Where = 'router' | 'node1' | 'node2';
const nsOf = (t: Topology, w: Where) => (w === 'router' ? t.router : t.nodes[w === 'node1' ? 0 : 1]!.ns);
const linkLine = (t: Topology, w: Where, dev: string) => nsOf(t, w).run(['ip', '-o', 'link', 'show', dev]);
const ifindex = (t: Topology, w: Where, dev: string) => Number(/^(\d+):/.exec(linkLine(t, w, dev))![1]);
const macOf = (t: Topology, w: Where, dev: string) => /link\/ether ([0-9a-f:]+)/.exec(linkLine(t, w, dev))![1]!;
const macBytes = (mac: string) => mac.split(':').map((x) => parseInt(x, 16));

/** An XDP program on `dev` in the namespace this thread is in, by a link closed in teardown. */
function attachXdp(c: Cleanup, prog: number, index: number): void {
  const link = linkCreate({ progFd: prog, target: index, attachType: attachTypes.xdp });
  c.teardown(() => closeFd(link));
}

interface Contender {
  label: string;
  setup: (c: Cleanup, t: Topology) => void;
}

/** Frames the sink counted so far, summed over the CPUs: translated (to the backend), and all. */
function sinkFrames(sink: Loaded): { translated: number; all: number } {
  const cpus = possibleCpuCount();
  const value = new Uint8Array(16 * cpus);
  if (!mapLookup(sink.maps.get('sink_count')!, new Uint8Array(4), value)) return { translated: 0, all: 0 };
  const dv = new DataView(value.buffer);
  let translated = 0n;
  let other = 0n;
  for (let i = 0; i < cpus; i++) {
    translated += dv.getBigUint64(i * 16, true);
    other += dv.getBigUint64(i * 16 + 8, true);
  }
  return { translated: Number(translated), all: Number(translated + other) };
}

interface Measured {
  mpps: number;
  /** Sent but not counted: a queue on the way was full. */
  lost: number;
  /** Of the frames counted, those that arrived translated (SNAT to node 1, DNAT to the backend). */
  translated: number;
}

async function measure(x: Contender): Promise<Measured> {
  const c = new Cleanups();
  try {
    const topo = buildTopology(c, { pods: [{ node: 1, address: '10.2.0.1', name: 'pps' }] });
    topo.receiveXdp();
    const port = topo.nodes[0]!.routerPort;
    // node 1 knows node 2's MAC already (the FIB answers SUCCESS from the first frame).
    topo.nodes[0]!.ns.run(['ip', 'neigh', 'replace', '10.0.0.2', 'lladdr', macOf(topo, 'node2', 'eth0'), 'dev', 'eth0', 'nud', 'permanent']);
    x.setup(c, topo);
    const frame = packet({ proto: 'udp', src: '198.51.100.1', dst: '10.0.0.1', sport: 40000, dport: 30002, payload: new Array(18).fill(0), dstMac: macBytes(macOf(topo, 'node1', 'eth0')), srcMac: macBytes(macOf(topo, 'router', port)) });
    topo.router.run(['ip', 'link', 'set', 'dev', port, 'xdp', 'off']);
    joinNetns(c, topo.router.name);
    const sink = loadFixture(c, 'xdp-sink.ts', 'xdp_sink');
    attachXdp(c, sink.fd, ifindex(topo, 'router', port));
    const gen = loadFixture(c, 'xdp-gen.ts', 'xdp_gen');
    mapUpdate(gen.maps.get('gen_template')!, new Uint8Array(4), frame.subarray(0, 42));
    const ctx = Buffer.alloc(24);
    ctx.writeUInt32LE(frame.length, 4);
    ctx.writeUInt32LE(ifindex(topo, 'router', port), 12);
    const send = (n: number) => progTestRun(gen.fd, { data: frame, dataOutSize: 0, ctx, ctxOutSize: 0, repeat: n, flags: BPF_F_TEST_XDP_LIVE_FRAMES });
    send(10_000); // warm up: conntrack entries, neighbour, caches
    await new Promise((r) => setTimeout(r, 100));
    let best: Measured = { mpps: 0, lost: 0, translated: 0 };
    for (let i = 0; i < CALLS; i++) {
      const before = sinkFrames(sink);
      const t0 = process.hrtime.bigint();
      send(FRAMES);
      const ns = Number(process.hrtime.bigint() - t0);
      await new Promise((r) => setTimeout(r, 50));
      const after = sinkFrames(sink);
      const got = after.all - before.all;
      const mpps = (got / ns) * 1e3;
      if (mpps > best.mpps) best = { mpps, lost: Math.max(0, FRAMES - got), translated: got ? (after.translated - before.translated) / got : 0 };
    }
    return best;
  } finally {
    c.run();
  }
}

export default async function nodeportPpsBench(): Promise<BenchResult> {
  const onNode1 = (t: Topology, fn: () => void) => {
    // Links are made by fd in the namespace this thread is in: enter node 1's for the attach.
    const c = new Cleanups();
    joinNetns(c, t.nodes[0]!.ns.name);
    try {
      fn();
    } finally {
      c.run();
    }
  };
  const contenders: Contender[] = [
    {
      label: 'L2 reflector on node 1 (the loop\'s ceiling)',
      setup: (c, t) => onNode1(t, () => { const fd = reflectorProgram(); c.teardown(() => closeFd(fd)); attachXdp(c, fd, ifindex(t, 'node1', 'eth0')); }),
    },
    { label: 'Switchyard XDP (FIB lookup, route cached)', setup: (c, t) => switchyard(c, t, 'xdp', services) },
    { label: 'Switchyard XDP (hairpin, no FIB)', setup: (c, t) => switchyard(c, t, 'xdp', services, true) },
    { label: 'Switchyard tc (FIB lookup, route cached)', setup: (c, t) => { t.xdpPassOnNode(0); switchyard(c, t, 'tc', services); } },
    { label: 'iptables DNAT+SNAT (kube-proxy)', setup: (_c, t) => { t.xdpPassOnNode(0); iptables(t, 'udp', 30002, '10.2.0.1:9'); } },
  ];
  const rows: BenchRow[] = [];
  const results: number[] = [];
  for (const x of contenders) {
    const r = await measure(x);
    results.push(r.mpps);
    rows.push({ label: x.label, figures: { Mpps: r.mpps.toFixed(2), translated: `${(r.translated * 100).toFixed(1)}%`, 'frames lost': r.lost.toLocaleString('en') } });
  }
  const ipt = results.at(-1)!;
  for (const [i, r] of rows.entries()) {
    r.figures['vs iptables'] = `${(results[i]! / ipt).toFixed(2)}×`;
    r.figures['vs ceiling'] = `${(results[i]! / results[0]!).toFixed(2)}×`;
  }
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  return {
    title: 'north-south LB: packets per second through a NodePort (the talk\'s hairpin test, one CPU)',
    rows,
    notes: [
      `${FRAMES.toLocaleString('en')} frames per call, best of ${CALLS}; generator (BPF_PROG_TEST_RUN live frames) and sink included in every figure; load average ${load}`,
      'translated: of the frames counted at the sink, those that left node 1 SNATed and DNATed to the backend (the reflector translates nothing); frames lost: sent but not counted (a queue on the way was full)',
    ],
  };
}
