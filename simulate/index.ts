// Switchyard's simulator: the BPF objects `switchyard compile` writes, run in WebAssembly with
// no privileges. Each entry program is linked (format/link-program.ts), translated
// instruction by instruction into a WebAssembly function (translate/), assembled with wabt and
// instantiated; helpers are TypeScript imports over a simulated node (helpers/, maps/). The
// runtime never imports this folder; this folder imports only inert readers (format/)
// and inert tables (compiler/bpf/opcode.ts, helpers.ts).
//
// API (stable; `switchyard trace` and `diff --traffic` are built on it):
//
//   const node = await loadSimNode({ dir: 'generated/demo', node: 'node1', network, seed, clock });
//     (`routes` is accepted for `network`; clock: { ns, hz }; seed: bpf_get_prandom_u32's)
//   node.runPacket({ hook: 'xdp' | 'tc-ingress' | 'tc-egress', ifindex, packet })
//     → { verdict: 'pass'|'drop'|'tx'|'redirect'|'aborted'|'other', code, redirectIfindex?,
//         redirect?: { kind: 'redirect'|'redirect_peer'|'redirect_neigh', ifindex, nexthop? },
//         packet, mapOps: { map, op: 'lookup'|'update'|'delete', key, value?, result }[],
//         pcs: number[], program }
//   node.connect({ family: 4|6, proto: 'tcp'|'udp', dst, port, src?, hook?: 'connect'|'sendmsg'|
//     'recvmsg'|'getpeername'|'bind', cookie? }) → { verdict: 'allow'|'refuse', dst, port, retval, ... }
//   node.release({ family, proto, dst, port, cookie })  cgroup/sock_release: a socket's end
//   node.maps: Map<name, SimMap>   get(key) / set(key, value) / remove(key) / entries() / size
//   node.advance(ns)               moves the virtual clock (bpf_ktime_get_ns, bpf_jiffies64)
//   node.program(name).linked      the linked program: pcs index its instructions and line info
//
//   await runProgram(object, section, { ctx, packet, maps?, network?, seed?, clock? })
//     low level, for the differential test: one program of any object on one packet, the context
//     given as BPF_PROG_TEST_RUN takes it (ctx_in); maps: entries to load first, by map name.
//
// The network (bpf_fib_lookup's answers) is { devices: [{ ifindex, mac, mtu? }], routes: [{ dst:
// '10.2.0.0/24', via?, dev }], neighbours: [{ address, mac, dev }], local: [addresses] }.
// Map values live in the simulator's memory: a program writes through the pointer a lookup
// returned, as in the kernel. Unknown helpers are refused when a program loads, by name.

import type { BpfObject } from '../format/bpf-object.ts';
import { SimNode, type SimNodeOptions } from './node.ts';

export { loadSimNode, type LoadSimNodeOptions } from './load.ts';
export { SimNode, type Hook, type Verdict, type PacketInput, type PacketResult, type ConnectInput, type ConnectResult, type ReleaseInput, type ReleaseResult, type SimNodeOptions, type SocketHook } from './node.ts';
export type { MapOp, Redirect } from './env.ts';
export type { SimMap } from './maps/map.ts';
export type { SimNetworkInput, SimDevice, SimRoute, SimNeighbour } from './network.ts';
export { UnknownHelperError } from './helpers/table.ts';
export { TranslateError } from './translate/error.ts';

export interface RunProgramInput extends SimNodeOptions {
  ctx: Uint8Array;
  packet: Uint8Array;
  /** Entries to load before the run, by map name. */
  maps?: Record<string, Array<{ key: Uint8Array; value: Uint8Array }>>;
}

/** One run of the program in `section` of `object` on a fresh node. */
export async function runProgram(object: BpfObject, section: string, input: RunProgramInput) {
  const node = await SimNode.create(object, input);
  for (const [name, entries] of Object.entries(input.maps ?? {})) {
    const m = node.maps.get(name);
    if (!m) throw new Error(`runProgram: ${object.source} has no map ${name}`);
    for (const e of entries) m.set(e.key, e.value);
  }
  const p = node.programAt([section], `section ${section}`);
  return { ...node.runRaw(p, input.ctx, input.packet), node };
}
