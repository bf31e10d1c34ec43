// Helper function prototypes: for each helper the verifier models, what each argument must be,
// what the call returns, and whether it may move packet data (invalidating packet pointers),
// read from helper-protos.ts (generated from format/bpf-helpers.ts). Which program types may
// call a helper at all, and which are GPL-only, comes from helper-tables.ts (probed).

import * as H from './helper-tables';
import { A_CALLBACK, A_NONE, NAMES, PROTO_COLUMNS, PROTOS } from './helper-protos';
import { prog } from './program';
import {
  PROG_CGROUP_SKB, PROG_CGROUP_SOCK, PROG_CGROUP_SOCK_ADDR, PROG_SCHED_ACT, PROG_SCHED_CLS, PROG_SOCKET_FILTER, PROG_XDP,
  ATTACH_CONNECT4, ATTACH_CONNECT6, ATTACH_SENDMSG4, ATTACH_SENDMSG6, ATTACH_RECVMSG4, ATTACH_RECVMSG6, ATTACH_BIND4,
  ATTACH_BIND6, ATTACH_GETPEERNAME4, ATTACH_GETPEERNAME6, ATTACH_GETSOCKNAME4, ATTACH_GETSOCKNAME6,
} from './uapi';

export class Proto {
  constructor(
    public id: i32,
    public name: string,
    public ret: u8,
    public a1: u8 = A_NONE,
    public a2: u8 = A_NONE,
    public a3: u8 = A_NONE,
    public a4: u8 = A_NONE,
    public a5: u8 = A_NONE,
    /** Moves packet data: packet pointers are invalid after the call. */
    public changesPacket: bool = false,
    /** The map argument's type must be one of these (0: any that the helper accepts). */
    public mapTypes: u32 = 0,
  ) {}

  /** Calls a function of the program back (its stack may be read and written there). */
  get callsBack(): bool {
    return this.a2 == A_CALLBACK;
  }

  arg(n: i32): u8 {
    return n == 1 ? this.a1 : n == 2 ? this.a2 : n == 3 ? this.a3 : n == 4 ? this.a4 : this.a5;
  }
}

let protos: Array<Proto | null> = changetype<Array<Proto | null>>(0);

/** The prototypes, from the table generated from format/bpf-helpers.ts. */
export function initHelpers(): void {
  protos = new Array<Proto | null>();
  const P = PROTOS;
  for (let i = 0; i + PROTO_COLUMNS <= P.length; i += PROTO_COLUMNS) {
    const id = <i32>unchecked(P[i]);
    const p = new Proto(
      id, unchecked(NAMES[id]), <u8>unchecked(P[i + 1]),
      <u8>unchecked(P[i + 2]), <u8>unchecked(P[i + 3]), <u8>unchecked(P[i + 4]), <u8>unchecked(P[i + 5]), <u8>unchecked(P[i + 6]),
      unchecked(P[i + 7]) != 0, unchecked(P[i + 8]),
    );
    while (protos.length <= id) protos.push(null);
    protos[id] = p;
  }
}

/** The prototype of helper `id`, or null when it is not modelled. */
export function proto(id: i32): Proto | null {
  return id >= 0 && id < protos.length ? protos[id] : null;
}

/** `bpf_spin_lock#93`, as the kernel names a helper in its messages; `unknown#N` past the known ids. */
export function helperName(id: i32): string {
  const name = id >= 0 && id < NAMES.length ? unchecked(NAMES[id]) : '';
  return (name.length ? name : 'unknown') + '#' + id.toString();
}

/**
 * Why helper `id` is refused as not modelled, in plain words: the feature it belongs to where
 * that is one this verifier lacks as a whole, else the helper alone.
 */
export function notModelled(id: i32): string {
  let what = 'this helper';
  if (id >= 169 && id <= 172) what = 'bpf_timer';
  else if (id == 194) what = 'kptrs';
  else if (id >= 197 && id <= 203) what = 'dynptrs';
  else if (id == 209) what = 'user ring buffers';
  else if (id == 121) what = 'perf event output from tracing';
  return helperName(id) + ': ' + what + ' is not supported by this verifier yet';
}

/** Whether the kernel knows helper `id` at all (it names it). */
export function helperKnown(id: i32): bool {
  return id > 0 && id < NAMES.length && unchecked(NAMES[id]).length > 0;
}

/** Whether helper `id` is GPL-only (observed on the kernel, helper-tables.ts). */
export function helperGplOnly(id: i32): bool {
  if (id <= 0 || (id >> 5) >= H.GPL_ONLY.length) return false;
  return (unchecked(H.GPL_ONLY[id >> 5]) & (<u32>1 << <u32>(id & 31))) != 0;
}

/** Whether the program's type may call helper `id` (observed on the kernel, helper-tables.ts). */
export function helperAvailable(id: i32): bool {
  if (id <= 0 || id >= 256) return false;
  const set = availableSet();
  if (!set) return false;
  const w = id >> 5;
  if (w >= set.length) return false;
  return (unchecked(set[w]) & (<u32>1 << <u32>(id & 31))) != 0;
}

function availableSet(): StaticArray<u32> | null {
  const t = prog.progType;
  const a = prog.attachType;
  if (t == PROG_XDP) return H.XDP;
  if (t == PROG_SCHED_CLS || t == PROG_SCHED_ACT) return H.SCHED_CLS;
  if (t == PROG_CGROUP_SKB) return H.CGROUP_SKB;
  if (t == PROG_SOCKET_FILTER) return H.SOCKET_FILTER;
  if (t == PROG_CGROUP_SOCK) return H.CGROUP_SOCK;
  if (t == PROG_CGROUP_SOCK_ADDR) {
    if (a == ATTACH_CONNECT4 || a == ATTACH_CONNECT6) return H.CGROUP_SOCK_ADDR_CONNECT;
    if (a == ATTACH_SENDMSG4 || a == ATTACH_SENDMSG6) return H.CGROUP_SOCK_ADDR_SENDMSG;
    if (a == ATTACH_RECVMSG4 || a == ATTACH_RECVMSG6) return H.CGROUP_SOCK_ADDR_RECVMSG;
    if (a == ATTACH_BIND4 || a == ATTACH_BIND6) return H.CGROUP_SOCK_ADDR_BIND;
    if (a == ATTACH_GETPEERNAME4 || a == ATTACH_GETPEERNAME6) return H.CGROUP_SOCK_ADDR_GETPEERNAME;
    if (a == ATTACH_GETSOCKNAME4 || a == ATTACH_GETSOCKNAME6) return H.CGROUP_SOCK_ADDR_GETSOCKNAME;
    return null;
  }
  return null;
}
