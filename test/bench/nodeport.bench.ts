// The north-south datapath's cost, side by side in one run (the machine is shared: ratios count).
//
// 1. ns/packet from BPF_PROG_TEST_RUN, in a namespace whose FIB resolves (test/packet/harness.ts),
//    with 10,000 services × 10 backends loaded: a trivial XDP program that returns XDP_TX (the
//    floor), the XDP LB (FIB lookup, and hairpin mode without it) and the tc LB, for a flow's
//    first packet (backend choice, conntrack and SNAT port claimed) and for an established flow.
//    BPF_PROG_TEST_RUN repeats a program on the same buffer, which the LB rewrites: from the
//    second run on, a repeated frame is the translated one. An established flow is therefore
//    measured on a pair of entries that translate into each other (the flow's own, and one made
//    here for its translated form), starting at TTL 255: each of CYCLE runs takes the whole
//    established path (lookup, route, NAT, TTL, MACs). (Until this was found, the figure was
//    that of a packet matching nothing after the first run: about 33 ns on XDP.) The same for
//    IPv6 (10,000 IPv6 LoadBalancer IPs beside the IPv4 ones, the cycle counting the hop limit
//    down), on XDP and tc with the FIB lookup: since the datapath is one source for both families,
//    IPv6's established packet should cost within 10% of IPv4's. Beside them, what a clock read
//    costs (clock-reads.ts): the conntrack clock is read once a packet.
// 2. iperf3 through a NodePort (client → node 1 → backend pod on node 2, SNAT) in the test
//    topology: Switchyard on XDP, Switchyard on tc, and kube-proxy-style iptables DNAT+SNAT for
//    the same service, each in a fresh topology; the client straight to the pod as reference.
//    tc and iptables once more under the XDP row's link conditions (TSO off, frames copied).
//
// BENCH_NODEPORT_IPERF=0 leaves part 2 out (comparing ns/packet before and after a change).

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { BenchResult, BenchRow } from './run.ts';
import * as asm from '../../compiler/bpf/asm.ts';
import { encode } from '../../compiler/bpf/encode.ts';
import { R0 } from '../../compiler/bpf/register.ts';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { progLoad, progTestRun, ProgType } from '../../runtime/sys/bpf.ts';
import { closeFd } from '../../runtime/sys/syscall.ts';
import { run, type Cleanup } from '../helpers/netns.ts';
import { Cleanups, iptables, reflectorProgram, switchyard } from './nodeport-setup.ts';
import { benchEnv, checkoutDatapath, firstPacketNotes, firstPackets, wantedVariant, type FirstPacket } from './nodeport-first.ts';
import { buildTopology, type Topology } from '../helpers/ns-topology.ts';
import { enterPacketNetns, loadNodeport, type Datapath } from '../packet/harness.ts';
import { packet } from '../packet/scene.ts';
import { encodeStruct, putNodeConfig, putService4, putService6 } from '../packet/tables.ts';
import { frame6, ip6, tcpSegment } from '../packet/frames.ts';
import { MAC, xdpMd } from '../packet/harness.ts';
import * as L from '../../compiler/emit/map-layouts.ts';
import { mapUpdate } from '../../runtime/sys/bpf-map.ts';
import { mapCreate } from '../../runtime/sys/bpf.ts';
import { compileFiles } from '../../compiler/lang/compile.ts';
import { linkItems } from '../../compiler/bpf/link-items.ts';
import { clockPrograms, READS } from './clock-reads.ts';

const SERVICES = 10_000;
const BACKENDS = 10;
const REPEAT = 200_000;
const FIRST = 2_000;
const ROUNDS = benchEnv.rounds;
/** Runs per call on the pair of entries that translate into each other: TTL 255 lasts 254 hops. */
const CYCLE = 250;
const CYCLE_CALLS = 400;
/** One-run calls of an established packet per round (the same per-run overhead as FIRST). */
const ALONE = 2_000;
const IPERF_SECONDS = 4;

// --- 1. ns/packet -------------------------------------------------------------------------------

/** 10,000 LoadBalancer IPs 10.3.x.y:80, 10 remote backends each (10.2.x.y:8080). */
function loadServices(dp: Datapath): void {
  putNodeConfig(dp, { ipv4: ['10.0.0.1'], podCidr4: '10.1.0.0/24', ipv6: [NODE6], podCidr6: 'fd00:10:1::/64' });
  for (let s = 0; s < SERVICES; s++) {
    const backends = Array.from({ length: BACKENDS }, (_, b) => ({ id: s * BACKENDS + b + 1, address: `10.2.${(s * BACKENDS + b) >> 8 & 255}.${(s * BACKENDS + b) & 255}`, port: 8080 }));
    putService4(dp, { address: `10.3.${s >> 8}.${s & 255}`, port: 80, kind: 'LoadBalancer', flags: ['ROUTABLE'], backends, revNatId: s + 1, serviceId: s + 1 });
  }
}

const NODE6 = 'fd00:10::1';
const CLIENT6 = '2001:db8:c::1';
/** The n-th IPv6 LoadBalancer IP (fd00:10:3::n) and remote backend (fd00:10:2::hi:lo, routed via fd00:10::2). */
const lb6 = (n: number) => `fd00:10:3::${n.toString(16)}`;
const backend6 = (n: number) => `fd00:10:2::${(n >> 16).toString(16)}:${(n & 0xffff).toString(16)}`;

/** The IPv6 twins of loadServices: 10,000 LoadBalancer IPs, 10 remote backends each (:8080). */
function loadServices6(dp: Datapath): void {
  for (let s = 0; s < SERVICES; s++) {
    const backends = Array.from({ length: BACKENDS }, (_, b) => ({ id: 1_000_000 + s * BACKENDS + b + 1, address: backend6(s * BACKENDS + b), port: 8080 }));
    putService6(dp, { address: lb6(s), port: 80, kind: 'LoadBalancer', flags: ['ROUTABLE'], backends, revNatId: SERVICES + s + 1, serviceId: SERVICES + s + 1 });
  }
}

/** A TCP segment in an IPv6 frame from the gateway to the node. */
function packet6(o: { src: string; dst: string; sport: number; dport: number; flags?: number; hops?: number }): Uint8Array {
  const l4 = tcpSegment({ src: o.src, dst: o.dst, sport: o.sport, dport: o.dport, flags: o.flags });
  return frame6({ src: o.src, dst: o.dst, nextHeader: 6, hopLimit: o.hops ?? 64, dstMac: MAC.eth0, srcMac: MAC.gateway, payload: l4 });
}

interface PacketRow {
  label: string;
  first?: number;
  /** The same first packets' program time alone (kernel bpf_stats). */
  firstBpf?: number;
  /** First packets to one service whose tables stay cached. */
  firstHot?: number;
  /** One run per call, median: includes the per-run overhead, as `first` does. */
  alone?: number;
  established: number;
  /** Clock rows: ns a read, over their floor. */
  perRead?: number;
}

function best(xs: number[]): number {
  return Math.min(...xs);
}

/** The best round's first packets, by test_run's figure; the program alone from the same round. */
function bestFirst(rounds: FirstPacket[]): { first: number; firstBpf: number } {
  const r = rounds.reduce((a, b) => (b.testRun < a.testRun ? b : a));
  return { first: r.testRun, firstBpf: r.bpf };
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
}

/**
 * An established flow whose every repeated run is one: the flow 198.51.100.1:33334 → 10.3.0.7:80
 * (TTL 255) is opened, then a service entry is made for its translated form (node:port →
 * backend) that translates it back, so that runs alternate between the two directions of a
 * translation, each a lookup hit with route, NAT, TTL and MACs. Returns the frame.
 */
function cycleFlow(dp: Datapath): Uint8Array {
  const frame = packet({ src: '198.51.100.1', dst: '10.3.0.7', sport: 33334, dport: 80, flags: 0x10, ip: { ttl: 255 } });
  const out = dp.ingress(frame).data;
  const key = encodeStruct(L.CT4_KEY, { saddr: '10.0.0.1', daddr: [...out.subarray(30, 34)].join('.'), sport: (out[34]! << 8) | out[35]!, dport: 8080, protocol: 6, flags: 0 });
  const value = encodeStruct(L.CT4_VALUE, { expires: 1n << 62n, backend_id: 1, rev_nat_id: 8, flags: 1, src_addr: '198.51.100.1', dst_addr: '10.3.0.7', src_port: 33334, dst_port: 80 });
  mapUpdate(dp.maps.get('ct4')!, key, value);
  const check = dp.ingress(frame, { repeat: CYCLE });
  if (check.data[22] !== 255 - CYCLE) throw new Error(`the established cycle left at TTL ${check.data[22]}, not ${255 - CYCLE}: a run left the established path`);
  return frame;
}

/** cycleFlow for IPv6: CLIENT6:33334 → fd00:10:3::7:80 and back, the hop limit counting the runs. */
function cycleFlow6(dp: Datapath): Uint8Array {
  const frame = packet6({ src: CLIENT6, dst: lb6(7), sport: 33334, dport: 80, flags: 0x10, hops: 255 });
  const out = dp.ingress(frame).data;
  const key = encodeStruct(L.CT6_KEY, { saddr: [...out.subarray(22, 38)], daddr: [...out.subarray(38, 54)], sport: (out[54]! << 8) | out[55]!, dport: 8080, protocol: 6, flags: 0 });
  const value = encodeStruct(L.CT6_VALUE, { expires: 1n << 62n, backend_id: 1, rev_nat_id: 8, flags: 1, src_addr: ip6(CLIENT6), dst_addr: ip6(lb6(7)), src_port: 33334, dst_port: 80 });
  mapUpdate(dp.maps.get('ct6')!, key, value);
  const check = dp.ingress(frame, { repeat: CYCLE });
  if (check.data[21] !== 255 - CYCLE) throw new Error(`the IPv6 established cycle left at hop limit ${check.data[21]}, not ${255 - CYCLE}: a run left the established path`);
  return frame;
}

/** A fixture with no maps (fixtures/xdp-call-floor.ts: the floor with one BPF-to-BPF call), loaded. */
function fixtureProgram(c: Cleanup, fixture: string): number {
  const r = compileFiles([join(import.meta.dirname, `fixtures/${fixture}.ts`)], {});
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`compile ${fixture}.ts:\n${errors.map(formatDiagnostic).join('\n')}`);
  const name = fixture.replaceAll('-', '_');
  const fd = progLoad({ type: ProgType.XDP, insns: encode(linkItems(r.object, name)).bytes, license: 'GPL', name }).fd;
  c.teardown(() => closeFd(fd));
  return fd;
}

function floorProgram(): number {
  const insns = encode([asm.mov64(R0, 3), asm.exit()]).bytes;
  return progLoad({ type: ProgType.XDP, insns, license: 'GPL', name: 'xdp_tx_floor' }).fd;
}

/**
 * The conntrack floors (fixtures/xdp-ct-floor.ts, IPv4 and IPv6): parse, one lookup in an LRU
 * hash as large as the LB's conntrack, holding as many flows as the LB's does here (one per
 * service and its reply entry, and the measured flow), MACs swapped, XDP_TX. What no
 * conntrack-keeping LB can go under; the IPv6 one (a 40-byte key where IPv4's is 16) shows what
 * the family's lookup alone adds.
 */
function ctFloorProgram(c: Cleanup, ipv6: boolean): number {
  const r = compileFiles([join(import.meta.dirname, 'fixtures/xdp-ct-floor.ts')], { config: { mapConntrack: 4 * 131072 } });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`compile xdp-ct-floor.ts:\n${errors.map(formatDiagnostic).join('\n')}`);
  const m = r.maps.find((x) => x.name === (ipv6 ? 'ct6' : 'ct4'))!;
  const ct = mapCreate({ type: m.mapType, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags, name: m.name });
  c.teardown(() => closeFd(ct));
  if (ipv6) {
    const value = encodeStruct(L.CT6_VALUE, { expires: 1n << 62n, backend_id: 1, rev_nat_id: 8, flags: 1, src_addr: ip6(NODE6), dst_addr: ip6(backend6(1)), src_port: 40000, dst_port: 8080 });
    const flows = [{ saddr: CLIENT6, daddr: lb6(7), sport: 33333 }];
    for (let s = 0; s < 2 * SERVICES; s++) flows.push({ saddr: '2001:db8:c::2', daddr: `fd00:10:${3 + (s & 1)}::${(s >> 1).toString(16)}`, sport: 1000 });
    for (const f of flows) mapUpdate(ct, encodeStruct(L.CT6_KEY, { saddr: [...ip6(f.saddr)], daddr: [...ip6(f.daddr)], sport: f.sport, dport: 80, protocol: 6, flags: 0 }), value);
  } else {
    const value = encodeStruct(L.CT4_VALUE, { expires: 1n << 62n, backend_id: 1, rev_nat_id: 8, flags: 1, src_addr: '10.0.0.1', dst_addr: '10.2.0.1', src_port: 40000, dst_port: 8080 });
    const flows = [{ saddr: '198.51.100.1', daddr: '10.3.0.7', sport: 33333 }];
    for (let s = 0; s < 2 * SERVICES; s++) flows.push({ saddr: '198.51.100.2', daddr: `10.${3 + (s & 1)}.${(s >> 1) >> 8}.${(s >> 1) & 255}`, sport: 1000 });
    for (const f of flows) mapUpdate(ct, encodeStruct(L.CT4_KEY, { ...f, dport: 80, protocol: 6, flags: 0 }), value);
  }
  const name = ipv6 ? 'xdp_ct6_floor' : 'xdp_ct_floor';
  const enc = encode(linkItems(r.object, name), { maps: new Map([[m.name, ct]]) });
  const fd = progLoad({ type: ProgType.XDP, insns: enc.bytes, license: 'GPL', name }).fd;
  c.teardown(() => closeFd(fd));
  return fd;
}


/**
 * FIRST new flows (client ports differ) over the services, one run each; `hot`: all to service 7
 * from another client, whose tables then stay in the caches (what is left is the flow's own work).
 */
function firstFlow(base: number, i: number, hot = false): Uint8Array {
  const service = hot ? 7 : (base + i * 7919) % SERVICES;
  return packet({ src: hot ? '198.51.100.3' : '198.51.100.1', dst: `10.3.${service >> 8}.${service & 255}`, sport: 1024 + ((base + i) % 60000), dport: 80 });
}

/** firstFlow for IPv6. */
function firstFlow6(base: number, i: number, hot = false): Uint8Array {
  const service = hot ? 7 : (base + i * 7919) % SERVICES;
  return packet6({ src: hot ? '2001:db8:c::3' : CLIENT6, dst: lb6(service), sport: 1024 + ((base + i) % 60000), dport: 80 });
}

function packetBench(): { rows: PacketRow[]; notes: string[] } {
  const c = new Cleanups();
  try {
    const devices = enterPacketNetns(c);
    const floor = floorProgram();
    c.teardown(() => closeFd(floor));
    const variants = [
      { label: 'XDP LB (FIB lookup)', v: { hook: 'xdp' as const, scale: 131072 }, ipv6: false },
      { label: 'XDP LB (hairpin, no FIB)', v: { hook: 'xdp' as const, hairpin: true, scale: 131072 }, ipv6: false },
      { label: 'tc LB (FIB lookup)', v: { hook: 'tc' as const, scale: 131072 }, ipv6: false },
      { label: 'XDP LB, IPv6 (FIB lookup)', v: { hook: 'xdp' as const, scale: 131072 }, ipv6: true },
      { label: 'tc LB, IPv6 (FIB lookup)', v: { hook: 'tc' as const, scale: 131072 }, ipv6: true },
    ].filter((x) => wantedVariant(x.label)).flatMap((x) => {
      if (!benchEnv.base) return [x];
      const base = checkoutDatapath(benchEnv.base);
      c.teardown(base.remove);
      return [x, { ...x, label: `${x.label} @ ${benchEnv.base}`, v: { ...x.v, sourceRoot: base.root } }];
    }).map((x) => {
      const dp = loadNodeport(c, x.v, devices);
      loadServices(dp);
      if (x.ipv6) loadServices6(dp);
      // One flow per service first: a service's first flow also creates its per-CPU counters
      // (lb_stats allocates on first use), which is not what a new flow of a live service pays.
      for (let s = 0; s < SERVICES; s++) {
        dp.ingress(x.ipv6 ? packet6({ src: '2001:db8:c::2', dst: lb6(s), sport: 1000, dport: 80 }) : packet({ src: '198.51.100.2', dst: `10.3.${s >> 8}.${s & 255}`, sport: 1000, dport: 80 }));
      }
      return { ...x, dp, cycle: x.ipv6 ? cycleFlow6(dp) : cycleFlow(dp), first: [] as FirstPacket[], firstHot: [] as FirstPacket[], alone: [] as number[], established: [] as number[] };
    });
    const established = packet({ src: '198.51.100.1', dst: '10.3.0.7', sport: 33333, dport: 80, flags: 0x10 });
    const established6 = packet6({ src: CLIENT6, dst: lb6(7), sport: 33333, dport: 80, flags: 0x10 });
    const floorNs: number[] = [];
    const floorOnce: FirstPacket[] = [];
    const floorAlone: number[] = [];
    const l2 = reflectorProgram();
    c.teardown(() => closeFd(l2));
    const l2Ns: number[] = [];
    const callFloor = fixtureProgram(c, 'xdp-call-floor');
    const callFloorNs: number[] = [];
    const ctFloor = ctFloorProgram(c, false);
    const ctFloorNs: number[] = [];
    const ctFloor6 = ctFloorProgram(c, true);
    const ctFloor6Ns: number[] = [];
    const xdpCtx = xdpMd(devices.eth0, established.length);
    const xdpCtx6 = xdpMd(devices.eth0, established6.length);
    const clocks = clockPrograms(c).map((x) => ({ ...x, ns: [] as number[] }));
    for (let round = 0; round < ROUNDS; round++) {
      floorNs.push(progTestRun(floor, { data: established, ctx: xdpCtx, repeat: REPEAT }).durationNs);
      l2Ns.push(progTestRun(l2, { data: established, ctx: xdpCtx, repeat: REPEAT }).durationNs);
      callFloorNs.push(progTestRun(callFloor, { data: established, ctx: xdpCtx, repeat: REPEAT }).durationNs);
      ctFloorNs.push(progTestRun(ctFloor, { data: established, ctx: xdpCtx, repeat: REPEAT }).durationNs);
      ctFloor6Ns.push(progTestRun(ctFloor6, { data: established6, ctx: xdpCtx6, repeat: REPEAT }).durationNs);
      for (const x of clocks) x.ns.push(progTestRun(x.fd, { data: established, ctx: xdpCtx, repeat: REPEAT }).durationNs);
      floorOnce.push(firstPackets(FIRST, () => established, (f) => progTestRun(floor, { data: f, ctx: xdpCtx, repeat: 1 }).durationNs, floor));
      for (let i = 0; i < ALONE; i++) floorAlone.push(progTestRun(floor, { data: established, ctx: xdpCtx, repeat: 1 }).durationNs);
      for (const x of variants) {
        const runs: number[] = [];
        for (let i = 0; i < CYCLE_CALLS; i++) runs.push(x.dp.ingress(x.cycle, { repeat: CYCLE }).durationNs);
        x.established.push(median(runs));
        const one = x.ipv6 ? established6 : established;
        x.dp.ingress(one);
        for (let i = 0; i < ALONE; i++) x.alone.push(x.dp.ingress(one).durationNs);
        const prog = x.dp.programs.get(x.v.hook === 'xdp' ? 'nodeport_xdp' : 'nodeport_ingress')!;
        x.first.push(firstPackets(FIRST, (i) => (x.ipv6 ? firstFlow6 : firstFlow)(round * FIRST, i), (f) => x.dp.ingress(f).durationNs, prog));
        x.firstHot.push(firstPackets(FIRST, (i) => (x.ipv6 ? firstFlow6 : firstFlow)(round * FIRST, i, true), (f) => x.dp.ingress(f).durationNs, prog));
      }
    }
    const floorBest = best(floorNs);
    const rows: PacketRow[] = [
      { label: 'floor: XDP_TX and nothing else', ...bestFirst(floorOnce), alone: median(floorAlone), established: floorBest },
      { label: 'L2 reflector: parse, swap MACs, XDP_TX', established: best(l2Ns) },
      { label: 'floor and one BPF-to-BPF call', established: best(callFloorNs) },
      { label: 'conntrack floor: parse, one ct4 lookup, XDP_TX', established: best(ctFloorNs) },
      { label: 'conntrack floor, IPv6: parse, one ct6 lookup, XDP_TX', established: best(ctFloor6Ns) },
      ...variants.map((x) => ({ label: x.label, ...bestFirst(x.first), firstHot: bestFirst(x.firstHot).first, alone: median(x.alone), established: best(x.established) })),
      ...clocks.map((x) => ({ label: `${x.label}, ×${READS}`, established: best(x.ns), perRead: (best(x.ns) - best(clocks[0]!.ns)) / READS })),
    ];
    const ctBest = best(ctFloorNs);
    const est = (label: string) => rows.find((r) => r.label === label)?.established;
    const v6Ratio = (hook: string) => (est(`${hook} LB, IPv6 (FIB lookup)`) ?? NaN) / (est(`${hook} LB (FIB lookup)`) ?? NaN);
    const xdp = (est('XDP LB (FIB lookup)') ?? NaN) / floorBest;
    const hairpin = (est('XDP LB (hairpin, no FIB)') ?? NaN) / floorBest;
    return {
      rows,
      notes: [
        `target XDP LB ≤ 2× the floor (established flow): ${xdp <= 2 ? 'met' : 'not met'} with the FIB lookup (${xdp.toFixed(2)}×), ${hairpin <= 2 ? 'met' : 'not met'} in hairpin mode (${hairpin.toFixed(2)}×); one conntrack lookup alone is ${(ctBest / floorBest).toFixed(2)}× the floor, and the XDP LB is ${((est('XDP LB (FIB lookup)') ?? NaN) / ctBest).toFixed(2)}× that`,
        `IPv6 established vs IPv4 (FIB lookup): XDP ${v6Ratio('XDP').toFixed(2)}× (+${((est('XDP LB, IPv6 (FIB lookup)') ?? NaN) - (est('XDP LB (FIB lookup)') ?? NaN)).toFixed(1)} ns), tc ${v6Ratio('tc').toFixed(2)}× (+${((est('tc LB, IPv6 (FIB lookup)') ?? NaN) - (est('tc LB (FIB lookup)') ?? NaN)).toFixed(1)} ns) (target: within 10%); of that, the lookup of the 40-byte ct6 key: +${(best(ctFloor6Ns) - ctBest).toFixed(1)} ns over ct4's (the conntrack floors); a BPF-to-BPF call and its return: ${(best(callFloorNs) - floorBest).toFixed(1)} ns`,
        ...firstPacketNotes(rows, benchEnv.base),
        `${SERVICES} services × ${BACKENDS} backends loaded; best of ${ROUNDS} rounds; established: the median over ${CYCLE_CALLS} calls of the mean of ${CYCLE} runs on a pair of entries that translate into each other (warm caches, every run the whole established path); established, one run: the median of ${ALONE} calls of one run of an established packet; first packet: ${FIRST} new flows to live services, one run each, as test_run times it and as the kernel's bpf_stats time the program alone. One-run columns include the kernel's per-run overhead (the floor's row shows it) and colder caches`,
      ],
    };
  } finally {
    c.run();
  }
}

// --- 2. iperf3 ------------------------------------------------------------------------------------

const services = `services:
  - name: iperf
    type: NodePort
    ports: [{ name: iperf, port: 5201, targetPort: 5201, nodePort: 30001 }]
    backends:
      - { address: 10.2.0.1, node: node2 }
`;

async function iperf(topo: Topology, host: string, port: number): Promise<number> {
  const out = run([...topo.client.enter, 'iperf3', '-c', host, '-p', String(port), '-t', String(IPERF_SECONDS), '-J'], { timeout: (IPERF_SECONDS + 20) * 1000 });
  const j = JSON.parse(out) as { end: { sum_received: { bits_per_second: number } } };
  return j.end.sum_received.bits_per_second;
}

async function iperfBench(): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const contenders: { label: string; setup: (c: Cleanup, t: Topology) => void; host: string; port: number }[] = [
    { label: 'Switchyard XDP (NodePort, SNAT)', setup: (c, t) => { t.receiveXdp(); switchyard(c, t, 'xdp', services); }, host: '10.0.0.1', port: 30001 },
    { label: 'Switchyard tc (NodePort, SNAT)', setup: (c, t) => switchyard(c, t, 'tc', services), host: '10.0.0.1', port: 30001 },
    { label: 'iptables DNAT+SNAT (kube-proxy)', setup: (_c, t) => iptables(t), host: '10.0.0.1', port: 30001 },
    // The XDP row's link conditions for the others: XDP on a veth turns TSO off on its peer, so
    // TCP reaches node 1 in MTU-sized frames, each copied into an XDP buffer; tc and iptables
    // otherwise see 64 KB GSO packets. An XDP_PASS where Switchyard's XDP program sits.
    { label: 'Switchyard tc, XDP link conditions', setup: (c, t) => { t.receiveXdp(); t.xdpPassOnNode(0); switchyard(c, t, 'tc', services); }, host: '10.0.0.1', port: 30001 },
    { label: 'iptables, XDP link conditions', setup: (_c, t) => { t.receiveXdp(); t.xdpPassOnNode(0); iptables(t); }, host: '10.0.0.1', port: 30001 },
    { label: 'direct to the pod (no LB)', setup: () => {}, host: '10.2.0.1', port: 5201 },
  ];
  const rows: BenchRow[] = [];
  let reference = 0;
  for (const x of contenders) {
    const c = new Cleanups();
    try {
      const topo = buildTopology(c, { pods: [{ node: 1, address: '10.2.0.1', name: 'iperf' }] });
      const server = spawn(topo.pods[0]!.ns.enter[0]!, [...topo.pods[0]!.ns.enter.slice(1), 'iperf3', '-s', '-p', '5201'], { stdio: 'ignore' });
      c.teardown(() => server.kill('SIGKILL'));
      x.setup(c, topo);
      await new Promise((r) => setTimeout(r, 500));
      const bps = await iperf(topo, x.host, x.port);
      if (x.label.startsWith('iptables DNAT')) reference = bps;
      rows.push({ label: x.label, figures: { 'iperf3 Gbit/s': (bps / 1e9).toFixed(2) } });
    } finally {
      c.run();
    }
  }
  for (const r of rows) r.figures['vs iptables'] = reference ? `${(Number(r.figures['iperf3 Gbit/s']) / (reference / 1e9)).toFixed(2)}×` : '';
  const gbit = (label: string) => Number(rows.find((r) => r.label.startsWith(label))?.figures['iperf3 Gbit/s'] ?? NaN);
  const same = gbit('iptables, XDP link');
  const notes = [`iperf3 under the XDP row's link conditions: Switchyard XDP ${(gbit('Switchyard XDP') / same).toFixed(2)}× and tc ${(gbit('Switchyard tc, XDP link') / same).toFixed(2)}× iptables`];
  return { rows, notes };
}

export default async function nodeportBench(): Promise<BenchResult> {
  const p = packetBench();
  const floor = p.rows[0]!.established;
  const rows: BenchRow[] = p.rows.map((r) => ({
    label: r.label,
    figures: {
      'first packet ns': r.first !== undefined ? r.first.toFixed(1) : '',
      'first, program alone (bpf_stats) ns': r.firstBpf !== undefined ? r.firstBpf.toFixed(1) : '',
      'established, one run ns': r.alone !== undefined ? r.alone.toFixed(1) : '',
      'established ns': r.established.toFixed(1),
      'vs floor': `${(r.established / floor).toFixed(2)}×`,
      'ns a clock read': r.perRead !== undefined ? r.perRead.toFixed(2) : '',
    },
  }));
  const i = benchEnv.iperf ? await iperfBench() : { rows: [], notes: ['iperf3 part left out (BENCH_NODEPORT_IPERF=0)'] };
  rows.push(...i.rows);
  return { title: 'north-south LB: ns/packet (BPF_PROG_TEST_RUN) and iperf3 through a NodePort', rows, notes: [...p.notes, ...i.notes] };
}

