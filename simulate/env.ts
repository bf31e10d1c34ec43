// The state the helpers of one simulated node work on: its memory and maps, the network its
// bpf_fib_lookup answers from, its clock and random generator, and the run in progress (the
// packet's bounds, where a redirect went, which map operations happened).

import type { SimMemory } from './memory.ts';
import type { SimMap } from './maps/map.ts';
import type { SimNetwork } from './network.ts';
import type { ContextKind } from './context.ts';

export type MapOpName = 'lookup' | 'update' | 'delete';

export interface MapOp {
  map: string;
  op: MapOpName;
  key: Uint8Array;
  /** lookup: the value found (a copy, as it was then); update: the value written. */
  value?: Uint8Array;
  /** 0, or the negative errno the helper returned; a lookup that found nothing is -ENOENT. */
  result: number;
}

export type RedirectKind = 'redirect' | 'redirect_peer' | 'redirect_neigh';

export interface Redirect {
  kind: RedirectKind;
  ifindex: number;
  flags: number;
  /** redirect_neigh: the next hop the program gave, as an address. */
  nexthop?: string;
}

/** What one run of a program has done so far, besides its memory writes. */
export interface RunState {
  kind: ContextKind;
  /** Packet bounds (addresses): data and data_end; the context struct mirrors them. */
  data: number;
  dataEnd: number;
  /** The device the packet arrived on (tc: skb->dev; XDP: the rx queue's device). */
  ifindex: number;
  redirect?: Redirect;
  /** Recorded when not undefined. */
  mapOps?: MapOp[];
  /** cgroup hooks: what bpf_set_retval set (0 unless set). */
  retval: number;
  /** cgroup hooks: the socket's cookie (bpf_get_socket_cookie). */
  socketCookie: number;
}

export interface Clock {
  /** Virtual time in nanoseconds (bpf_ktime_get_ns). */
  ns: number;
  /** CONFIG_HZ for bpf_jiffies64. */
  hz: number;
}

export interface SimEnv {
  mem: SimMemory;
  /** By the index a map handle carries (layout.ts mapHandle). */
  maps: SimMap[];
  network: SimNetwork;
  clock: Clock;
  /** Next 32-bit value of the seeded generator (bpf_get_prandom_u32). */
  random(): number;
  netnsCookie: number;
  run: RunState;
}
