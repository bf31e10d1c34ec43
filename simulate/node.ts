// A simulated node: one BPF object's programs over one set of maps, a network for the FIB, a
// virtual clock and a seeded generator. Packets and socket calls go through the programs one at
// a time; map state persists between them, as on a node (conntrack, affinity, SNAT).

import type { BpfObject } from '../format/bpf-object.ts';
import { NODE_CLOCK_MAP, nodeClockEntry } from '../format/node-clock.ts';
import { clearContext, ethProtocol, packetType, SK_BUFF, SOCK, SOCK_ADDR, syncPacketBounds, XDP_MD } from './context.ts';
import type { Clock, MapOp, Redirect, RunState, SimEnv } from './env.ts';
import { PACKET_BASE, PACKET_MAX, PACKET_REGION, mapHandle } from './layout.ts';
import { createMap } from './maps/create.ts';
import { SkStorageMap, socketHandle } from './maps/sk-storage.ts';
import { ArrayMap } from './maps/array.ts';
import type { SimMap } from './maps/map.ts';
import { SimMemory } from './memory.ts';
import { buildNetwork, formatAddress, parseAddress, type SimNetworkInput } from './network.ts';
import { loadProgram, type SimProgram } from './program.ts';
import { seededRandom } from './random.ts';

export type Hook = 'xdp' | 'tc-ingress' | 'tc-egress';
export type Verdict = 'pass' | 'drop' | 'tx' | 'redirect' | 'aborted' | 'other';

export interface PacketInput {
  hook: Hook;
  /** The device the packet arrives on (ingress) or leaves by (egress). */
  ifindex: number;
  packet: Uint8Array;
}

export interface PacketResult {
  verdict: Verdict;
  /** The program's return value as the kernel reports it (u32). */
  code: number;
  redirectIfindex?: number;
  redirect?: Redirect;
  /** The frame as the program left it. */
  packet: Uint8Array;
  mapOps: MapOp[];
  /** Instruction slots executed, in order (of the linked program; see `program(...).linked`). */
  pcs: number[];
  /** The program that ran. */
  program: string;
}

export type SocketHook = 'connect' | 'sendmsg' | 'recvmsg' | 'getpeername' | 'bind';

export interface ConnectInput {
  family: 4 | 6;
  proto: 'tcp' | 'udp';
  /** The address the application passed (connect, sendmsg, bind) or the peer's (recvmsg, getpeername). */
  dst: string;
  port: number;
  /** sendmsg: the source address the application chose. */
  src?: string;
  /** Default `connect`. */
  hook?: SocketHook;
  /**
   * The socket: bpf_get_socket_cookie's answer, and whose storage bpf_sk_storage_get reaches
   * (ctx->sk). Default a new socket per call; pass the same cookie to call again on one socket.
   */
  cookie?: number;
}

export interface ConnectResult {
  /** The hook's return: allow (1) or refuse (0). */
  verdict: 'allow' | 'refuse';
  code: number;
  /** The address and port after the hook (translated, or as they were). */
  dst: string;
  port: number;
  /** What bpf_set_retval set (an errno for the system call), 0 when not set. */
  retval: number;
  mapOps: MapOp[];
  pcs: number[];
  program: string;
}

export interface ReleaseInput {
  family: 4 | 6;
  proto: 'tcp' | 'udp';
  /** The socket's destination when it goes (IPv6 sockets: an IPv4 peer as ::ffff:a.b.c.d); port 0 when it never had one. */
  dst: string;
  port: number;
  cookie: number;
}

export interface ReleaseResult {
  code: number;
  mapOps: MapOp[];
  program: string;
}

export interface SimNodeOptions {
  network?: SimNetworkInput;
  /** Seed of bpf_get_prandom_u32 (default 1). */
  seed?: number;
  /** Start of the virtual clock, nanoseconds (default 1,000 s), and CONFIG_HZ (default 1000). */
  clock?: Partial<Clock>;
  netnsCookie?: number;
  /** Record executed instructions (pcs); off makes runs faster. Default true. */
  trace?: boolean;
  /** Record map operations; default true. */
  recordMapOps?: boolean;
}

const xdpVerdicts: Record<number, Verdict> = { 0: 'aborted', 1: 'drop', 2: 'pass', 3: 'tx', 4: 'redirect' };
const tcVerdicts: Record<number, Verdict> = { [0xffffffff]: 'pass', 0: 'pass', 2: 'drop', 7: 'redirect' };
export const hookSections: Record<Hook, string[]> = { xdp: ['xdp', 'xdp.frags'], 'tc-ingress': ['tcx/ingress', 'tc/ingress', 'tc', 'classifier'], 'tc-egress': ['tcx/egress', 'tc/egress'] };

export class SimNode {
  readonly env: SimEnv;
  /** The maps by name (their contents can be read and changed between runs). */
  readonly maps = new Map<string, SimMap>();
  readonly programs = new Map<string, SimProgram>();
  /** Record each run's map operations (mapOps); off makes runs faster. */
  recordMapOps: boolean;
  private nextCookie = 1;

  private constructor(
    readonly object: BpfObject,
    o: SimNodeOptions,
  ) {
    const mem = new SimMemory();
    this.env = {
      mem,
      maps: [],
      network: buildNetwork(o.network),
      clock: { ns: o.clock?.ns ?? 1000e9, hz: o.clock?.hz ?? 1000 },
      random: seededRandom(o.seed ?? 1),
      netnsCookie: o.netnsCookie ?? 1,
      run: { kind: 'skb', data: PACKET_BASE, dataEnd: PACKET_BASE, ifindex: 0, retval: 0, socketCookie: 0 },
    };
    this.recordMapOps = o.recordMapOps ?? true;
    for (const def of object.maps) {
      const m = createMap(def, mem);
      this.maps.set(def.name, m);
      this.env.maps.push(m);
    }
    // What switchyard-node writes at apply: the length of a jiffy at the virtual clock's HZ.
    const clock = this.maps.get(NODE_CLOCK_MAP);
    if (clock) {
      const e = nodeClockEntry(this.env.clock.hz);
      clock.set(e.key, e.value);
    }
    // Global data sections are one-element arrays (as libbpf makes them), holding their initial bytes.
    for (const d of object.data) {
      const m = new ArrayMap({ name: d.name, type: 2, keySize: 4, valueSize: d.size, maxEntries: 1, flags: 0, pinning: 0, numaNode: 0, mapExtra: 0n, keyTypeId: 0, valueTypeId: 0, defTypeId: 0 }, mem);
      mem.u8.set(d.bytes, m.base);
      this.maps.set(d.name, m);
    }
  }

  /** Every entry program of the object, translated and instantiated. */
  static async create(object: BpfObject, o: SimNodeOptions = {}): Promise<SimNode> {
    const node = new SimNode(object, o);
    const index = new Map(object.maps.map((m, i) => [m.name, i]));
    const refs = {
      mapValue: (map: string) => {
        const i = index.get(map);
        if (i === undefined) throw new Error(`${object.source}: a reference to map ${map}, which the object does not define`);
        return BigInt(mapHandle(i));
      },
      dataAddress: (section: string, offset: number) => BigInt((node.maps.get(section) as ArrayMap).base + offset),
    };
    for (const p of object.programs) {
      if (p.role !== 'entry') continue;
      node.programs.set(p.name, await loadProgram(object, p.name, node.env, refs, o.trace ?? true));
    }
    return node;
  }

  /** Moves the virtual clock on (bpf_ktime_get_ns, bpf_jiffies64). */
  advance(ns: number): void {
    this.env.clock.ns += ns;
  }

  /** The program attached at `hook`, by its section. */
  programAt(sections: readonly string[], what: string): SimProgram {
    for (const p of this.programs.values()) if (sections.includes(p.section)) return p;
    throw new Error(`${this.object.source}: no program for ${what} (sections ${sections.join(', ')}); it has ${[...this.programs.values()].map((p) => `${p.name} (${p.section})`).join(', ')}`);
  }

  private begin(kind: RunState['kind'], ifindex: number): void {
    this.env.run = { kind, data: PACKET_BASE, dataEnd: PACKET_BASE, ifindex, retval: 0, socketCookie: 0, ...(this.recordMapOps ? { mapOps: [] } : {}) };
  }

  runPacket(input: PacketInput): PacketResult {
    const p = this.programAt(hookSections[input.hook], `hook ${input.hook}`);
    const ctx = new Uint8Array(p.kind === 'xdp' ? XDP_MD.size : SK_BUFF.size);
    const dv = new DataView(ctx.buffer);
    if (p.kind === 'xdp') {
      dv.setUint32(XDP_MD.ingress_ifindex, input.ifindex, true);
    } else {
      dv.setUint32(SK_BUFF.ifindex, input.ifindex, true);
      if (input.hook === 'tc-ingress') dv.setUint32(SK_BUFF.ingress_ifindex, input.ifindex, true);
    }
    const r = this.runRaw(p, ctx, input.packet);
    const verdict = (p.kind === 'xdp' ? xdpVerdicts : tcVerdicts)[r.code] ?? 'other';
    const redirect = verdict === 'redirect' ? this.env.run.redirect : undefined;
    return { verdict, code: r.code, ...(redirect ? { redirect, redirectIfindex: redirect.ifindex } : {}), packet: r.packet, mapOps: r.mapOps, pcs: r.pcs, program: p.name };
  }

  /**
   * Runs a packet program as BPF_PROG_TEST_RUN does: `ctx` is the context passed in (the fields a
   * test run takes from the caller: ifindex, ingress_ifindex, mark, priority, cb...); the packet
   * pointers, len and protocol are filled in here. `view`: the packet out is a view of the
   * simulator's memory, valid until the next run, instead of a copy (a copy costs about as much
   * as running a short program).
   */
  runRaw(p: SimProgram, ctxIn: Uint8Array, packet: Uint8Array, o: { view?: boolean } = {}): { code: number; packet: Uint8Array; mapOps: MapOp[]; pcs: number[] } {
    if (packet.length > PACKET_MAX) throw new Error(`packet of ${packet.length} bytes: the simulator takes at most ${PACKET_MAX}`);
    const mem = this.env.mem;
    const at = p.kind === 'xdp' ? XDP_MD.ingress_ifindex : SK_BUFF.ifindex;
    const ifindex = (ctxIn[at]! | (ctxIn[at + 1]! << 8) | (ctxIn[at + 2]! << 16) | (ctxIn[at + 3]! << 24)) >>> 0;
    this.begin(p.kind, ifindex);
    // A test run's buffer is zeroed; the headroom is what a program can see of that (helpers
    // that grow the tail or the room zero what they add).
    mem.u8.fill(0, PACKET_REGION, PACKET_BASE);
    mem.u8.set(packet, PACKET_BASE);
    const ctx = clearContext(mem);
    mem.u8.set(ctxIn, ctx);
    this.env.run.dataEnd = PACKET_BASE + packet.length;
    if (p.kind === 'skb') {
      // What eth_type_trans derives on the device the packet came in by.
      mem.dv.setUint16(ctx + SK_BUFF.protocol, ethProtocol(packet), false);
      mem.dv.setUint32(ctx + SK_BUFF.pkt_type, packetType(packet, this.env.network.devices.get(ifindex)?.mac), true);
    }
    syncPacketBounds(mem, this.env.run);
    const code = p.run();
    const run = this.env.run;
    const out = o.view ? mem.u8.subarray(run.data, run.dataEnd) : mem.bytes(run.data, run.dataEnd - run.data);
    return { code, packet: out, mapOps: run.mapOps ?? [], pcs: p.pcs() };
  }

  /** A socket call through the cgroup hook for it (connect4/6, sendmsg4/6, ...). */
  connect(input: ConnectInput): ConnectResult {
    const hook = input.hook ?? 'connect';
    const p = this.programAt([`cgroup/${hook}${input.family === 6 ? 6 : 4}`], `${hook} (IPv${input.family})`);
    const mem = this.env.mem;
    const ctx = this.socketContext('sock_addr', input.cookie ?? this.nextCookie++, input, SOCK_ADDR);
    const dv = mem.dv;
    dv.setBigUint64(ctx + SOCK_ADDR.sk, BigInt(socketHandle(this.env.run.socketCookie)), true);
    dv.setUint32(ctx + SOCK_ADDR.user_family, input.family === 6 ? 10 : 2, true);
    mem.u8.set(addressOf(hook, input), ctx + (input.family === 6 ? SOCK_ADDR.user_ip6 : SOCK_ADDR.user_ip4));
    dv.setUint16(ctx + SOCK_ADDR.user_port, input.port, false);
    if (input.src) mem.u8.set(parseAddress(input.src), ctx + (input.family === 6 ? SOCK_ADDR.msg_src_ip6 : SOCK_ADDR.msg_src_ip4));
    const code = p.run();
    const out = mem.bytes(ctx + (input.family === 6 ? SOCK_ADDR.user_ip6 : SOCK_ADDR.user_ip4), input.family === 6 ? 16 : 4);
    return {
      verdict: code === 1 ? 'allow' : 'refuse',
      code,
      dst: formatAddress(out),
      port: mem.dv.getUint16(ctx + SOCK_ADDR.user_port, false), // the run may have grown memory (socket storage)
      retval: this.env.run.retval,
      mapOps: this.env.run.mapOps ?? [],
      pcs: p.pcs(),
      program: p.name,
    };
  }

  /** The end of a socket, through cgroup/sock_release (its context is the socket, struct bpf_sock). */
  release(input: ReleaseInput): ReleaseResult {
    const p = this.programAt(['cgroup/sock_release'], 'sock_release');
    const mem = this.env.mem;
    const ctx = this.socketContext('sock', input.cookie, input, SOCK);
    mem.u8.set(addressOf('release', input), ctx + (input.family === 6 ? SOCK.dst_ip6 : SOCK.dst_ip4));
    mem.dv.setUint16(ctx + SOCK.dst_port, input.port, false);
    const code = p.run();
    return { code, mapOps: this.env.run.mapOps ?? [], program: p.name };
  }

  /** Starts a socket hook's run: the socket's cookie, and its family, type and protocol where the context struct has them. */
  private socketContext(kind: 'sock_addr' | 'sock', cookie: number, sock: { family: 4 | 6; proto: 'tcp' | 'udp' }, at: { family: number; type: number; protocol: number }): number {
    this.begin(kind, 0);
    this.env.run.socketCookie = cookie;
    const ctx = clearContext(this.env.mem);
    const dv = this.env.mem.dv;
    dv.setUint32(ctx + at.family, sock.family === 6 ? 10 : 2, true);
    dv.setUint32(ctx + at.type, sock.proto === 'tcp' ? 1 : 2, true);
    dv.setUint32(ctx + at.protocol, sock.proto === 'tcp' ? 6 : 17, true);
    return ctx;
  }

  /** The socket's end: the kernel frees its socket-local storage with it. */
  closeSocket(cookie: number): void {
    for (const m of this.env.maps) if (m instanceof SkStorageMap) m.release(cookie);
  }

  /** The program by name. */
  program(name: string): SimProgram {
    const p = this.programs.get(name);
    if (!p) throw new Error(`${this.object.source}: no program ${name}`);
    return p;
  }
}

/** The bytes of a socket call's address, which must be of the socket's family. */
function addressOf(what: string, input: { family: 4 | 6; dst: string }): Uint8Array {
  const a = parseAddress(input.dst);
  if (a.length !== (input.family === 6 ? 16 : 4)) throw new Error(`${what}: ${input.dst} is not an IPv${input.family} address`);
  return a;
}
