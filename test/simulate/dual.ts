// The north-south programs loaded twice from one compile: into the kernel (run with
// BPF_PROG_TEST_RUN in the packet tests' namespace, test/packet/harness.ts) and into a simulated
// node (run in WebAssembly). What the kernel cannot make repeatable is pinned on both sides: the
// kernel's calls to bpf_get_prandom_u32, bpf_jiffies64 and bpf_ktime_get_ns are rewritten into
// constants before loading, and the simulator's generator and clock give the same constants.

import type { Cleanup } from '../helpers/netns.ts';
import { buildObject } from '../../compiler/bpf/object.ts';
import { encode } from '../../compiler/bpf/encode.ts';
import { helperId } from '../../format/bpf-helpers.ts';
import { linkItems } from '../../compiler/bpf/link-items.ts';
import { readBpfObject } from '../../format/elf-read.ts';
import { progLoad, progTestRun, type TestRunResult } from '../../runtime/sys/bpf.ts';
import { mapLookup, mapNextKey, mapUpdate } from '../../runtime/sys/bpf-map.ts';
import { NODE_CLOCK_MAP, nodeClockEntry } from '../../format/node-clock.ts';
import { closeFd } from '../../runtime/sys/syscall.ts';
import { SimNode } from '../../simulate/node.ts';
import type { MapOp } from '../../simulate/env.ts';
import type { SimNetworkInput } from '../../simulate/network.ts';
import type { SimProgram } from '../../simulate/program.ts';
import { changedEntries, mapComparer } from './map-compare.ts';
import { compileNodeport, createMaps, MAC, skbCtx, xdpMd, type Datapath, type PacketNetns, type Variant } from '../packet/harness.ts';

/**
 * The constants both sides see. HZ 250, not the 1000 the datapath assumes while node_clock is
 * unmeasured: both sides write its jiffy and scale jiffies by it.
 */
export const PINNED = { random: 0x2f5a_91c3, ktimeNs: 2_000_000_000, hz: 250 } as const;
const jiffies = (PINNED.ktimeNs / 1e9) * PINNED.hz;

export interface PacketOutcome {
  retval: number;
  data: Uint8Array;
}

export interface Dual {
  /** The kernel side, shaped as the packet tests' tables.ts writes it. */
  kernel: Datapath;
  sim: SimNode;
  /** Runs `program` on both; returns both outcomes. */
  run(program: string, frame: Uint8Array, ifindex: number): { kernel: TestRunResult; sim: PacketOutcome & { ops: MapOp[]; changed: Array<{ map: string; key: Uint8Array }> } } | undefined;
  /** Copies every kernel map entry into the simulator's maps (after writing tables). */
  mirror(): void;
  /** Lines naming the entries that differ between the two sides' maps (all maps, or `only`). */
  compareMaps(only?: Iterable<string>): string[];
  /** The same for single entries (those a packet changed on the simulator's side). */
  compareEntries(entries: Iterable<{ map: string; key: Uint8Array }>): string[];
}

/** The network of test/packet/harness.ts's namespace, for the simulator's bpf_fib_lookup. */
export function harnessNetwork(d: PacketNetns): SimNetworkInput {
  const mac = (m: number[]) => m;
  return {
    devices: [
      { ifindex: 1, mac: [0, 0, 0, 0, 0, 0], mtu: 65536 },
      { ifindex: d.eth0, mac: mac(MAC.eth0) },
      { ifindex: d.lxc0, mac: mac(MAC.lxc0) },
    ],
    routes: [
      { dst: '0.0.0.0/0', via: '10.0.0.254', dev: d.eth0 },
      { dst: '10.0.0.0/24', dev: d.eth0 },
      { dst: '10.2.0.0/24', via: '10.0.0.2', dev: d.eth0 },
      { dst: '10.9.0.0/24', via: '10.0.0.9', dev: d.eth0 },
      { dst: '10.1.0.1/32', dev: d.lxc0 },
      { dst: '::/0', via: 'fd00:10::fe', dev: d.eth0 },
      { dst: 'fd00:10::/64', dev: d.eth0 },
      { dst: 'fd00:10:2::/64', via: 'fd00:10::2', dev: d.eth0 },
      { dst: 'fd00:10:1::1/128', dev: d.lxc0 },
      { dst: '127.0.0.0/8', dev: 1 },
    ],
    neighbours: [
      { address: '10.0.0.254', mac: MAC.gateway, dev: d.eth0 },
      { address: '10.0.0.2', mac: MAC.node2, dev: d.eth0 },
      { address: '10.1.0.1', mac: MAC.pod, dev: d.lxc0 },
      { address: 'fd00:10::fe', mac: MAC.gateway, dev: d.eth0 },
      { address: 'fd00:10::2', mac: MAC.node2, dev: d.eth0 },
      { address: 'fd00:10:1::1', mac: MAC.pod, dev: d.lxc0 },
    ],
    local: ['10.0.0.1', '10.0.0.255', '127.0.0.1', 'fd00:10::1'],
  };
}

/** The program's bytes with the nondeterministic helper calls replaced by `r0 = constant`. */
function pinHelpers(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const dv = new DataView(out.buffer);
  const consts = new Map([
    [helperId('get_prandom_u32'), { op: 0xb4, imm: PINNED.random }], // mov32: zero-extends
    [helperId('jiffies64'), { op: 0xb7, imm: jiffies }],
    [helperId('ktime_get_ns'), { op: 0xb7, imm: PINNED.ktimeNs }],
  ]);
  for (let at = 0; at < out.length; at += 8) {
    if (out[at] === 0x18) { at += 8; continue; }
    if (out[at] !== 0x85 || out[at + 1] !== 0) continue;
    const c = consts.get(dv.getInt32(at + 4, true));
    if (!c) continue;
    out[at] = c.op;
    out[at + 1] = 0;
    dv.setInt16(at + 2, 0, true);
    dv.setInt32(at + 4, c.imm | 0, true);
  }
  return out;
}

/** `trace`: the simulator records the instructions each run executes (slower; off by default). */
export async function loadDual(t: Cleanup, v: Variant, devices: PacketNetns, o: { trace?: boolean } = {}): Promise<Dual> {
  const r = compileNodeport(v);
  const maps = createMaps(t, r);
  // What switchyard-node writes at apply, for the pinned HZ (the simulator writes its own).
  const clock = maps.get(NODE_CLOCK_MAP);
  if (clock !== undefined) {
    const e = nodeClockEntry(PINNED.hz);
    mapUpdate(clock, e.key, e.value);
  }
  const programs = new Map<string, number>();
  for (const p of r.programs) {
    const bytes = pinHelpers(encode(linkItems(r.object, p.name), { maps }).bytes);
    const res = progLoad({ type: p.progType, insns: bytes, license: 'GPL', name: p.name.slice(0, 15), expectedAttachType: p.expectedAttachType, logLevel: 0 });
    programs.set(p.name, res.fd);
    t.teardown(() => closeFd(res.fd));
  }
  const object = readBpfObject(buildObject(r.object).elf, `nodeport ${v.hook}${v.dsr ? ' dsr' : ''}`);
  const sim = await SimNode.create(object, { network: harnessNetwork(devices), clock: { ns: PINNED.ktimeNs, hz: PINNED.hz }, trace: o.trace ?? false });
  sim.env.random = () => PINNED.random;
  const simPrograms = new Map<string, SimProgram>([...sim.programs]);
  const compare = mapComparer(r.maps, maps, sim.maps);

  return {
    kernel: { maps, programs, maglev: !!v.maglev } as unknown as Datapath,
    sim,
    run(program, frame, ifindex) {
      const xdp = program === 'nodeport_xdp';
      const ctx = new Uint8Array(xdp ? xdpMd(ifindex, frame.length) : skbCtx(ifindex));
      let kernel: TestRunResult;
      try {
        kernel = progTestRun(programs.get(program)!, { data: frame, ctx });
      } catch (e) {
        // A test run refuses some malformed frames before any program sees them (an IPv6
        // EtherType with less than an IPv6 header); those have nothing to compare.
        if ((e as { errno?: number }).errno === 22) return undefined;
        throw e;
      }
      const s = sim.runRaw(simPrograms.get(program)!, xdp ? new Uint8Array(xdpMd(ifindex, 0)) : ctx, frame);
      return { kernel, sim: { retval: s.code, data: s.packet, ops: s.mapOps, changed: changedEntries(s.mapOps, sim.maps) } };
    },
    mirror() {
      for (const name of maps.keys()) {
        const m = sim.maps.get(name)!;
        for (const [k, v] of compare.kernelEntries(name)) m.set(Buffer.from(k, 'hex'), Buffer.from(v, 'hex'));
      }
    },
    compareEntries: (entries) => compare.compareEntries(entries),
    compareMaps: (only) => compare.compareAll(only),
  };
}
