// Context access per program type: which byte offsets a load, a register store or an
// immediate store may touch, at which sizes, and what a load yields, from the tables this
// kernel was probed for (ctx-tables.ts). Also the socket structures reached through pointers.

import * as T from './ctx-tables';
import { P_PKT, P_PKT_END, P_PKT_META, P_SOCK, P_SOCK_COMMON_OR_NULL } from './ctx-kinds';
import { prog } from './program';
import {
  ATTACH_BIND4, ATTACH_BIND6, ATTACH_CONNECT4, ATTACH_CONNECT6, ATTACH_EGRESS, ATTACH_GETPEERNAME4, ATTACH_GETPEERNAME6,
  ATTACH_GETSOCKNAME4, ATTACH_GETSOCKNAME6, ATTACH_POST_BIND4, ATTACH_POST_BIND6, ATTACH_RECVMSG4, ATTACH_RECVMSG6,
  ATTACH_SENDMSG4, ATTACH_SENDMSG6, ATTACH_SOCK_CREATE, ATTACH_SOCK_RELEASE, PROG_CGROUP_SKB, PROG_CGROUP_SOCK,
  PROG_CGROUP_SOCK_ADDR, PROG_SCHED_ACT, PROG_SCHED_CLS, PROG_SOCKET_FILTER, PROG_XDP,
} from './uapi';
import {
  PTR_TO_PACKET, PTR_TO_PACKET_END, PTR_TO_PACKET_META, PTR_TO_SOCKET, PTR_TO_SOCK_COMMON_OR_NULL, SCALAR,
} from './reg';

/** Access kinds, the nibble of a table cell they use. */
export const ACC_LOAD: i32 = 0;
export const ACC_STX: i32 = 4;
export const ACC_ST: i32 = 8;

// A table and its pointer list, chosen once per verification.
let table: StaticArray<u16> = changetype<StaticArray<u16>>(0);
let ptrs: StaticArray<i32> = changetype<StaticArray<i32>>(0);
let known: bool = false;

/** Chooses the context tables for the program's type; false when the type is not modelled. */
export function selectCtx(): bool {
  known = true;
  const t = prog.progType;
  const a = prog.attachType;
  if (t == PROG_XDP) return use(T.XDP, T.XDP_PTRS);
  if (t == PROG_SCHED_CLS || t == PROG_SCHED_ACT) return use(T.SKB_TC, T.SKB_TC_PTRS);
  if (t == PROG_SOCKET_FILTER) return use(T.SKB_SOCKET_FILTER, T.SKB_SOCKET_FILTER_PTRS);
  if (t == PROG_CGROUP_SKB) {
    if (a == ATTACH_EGRESS) return use(T.SKB_CGROUP_EGRESS, T.SKB_CGROUP_EGRESS_PTRS);
    return use(T.SKB_CGROUP_INGRESS, T.SKB_CGROUP_INGRESS_PTRS);
  }
  if (t == PROG_CGROUP_SOCK) {
    if (a == ATTACH_SOCK_CREATE || a == 0) return use(T.SOCK_SOCK_CREATE, T.SOCK_SOCK_CREATE_PTRS);
    if (a == ATTACH_SOCK_RELEASE) return use(T.SOCK_SOCK_RELEASE, T.SOCK_SOCK_RELEASE_PTRS);
    if (a == ATTACH_POST_BIND4) return use(T.SOCK_POST_BIND4, T.SOCK_POST_BIND4_PTRS);
    if (a == ATTACH_POST_BIND6) return use(T.SOCK_POST_BIND6, T.SOCK_POST_BIND6_PTRS);
  }
  if (t == PROG_CGROUP_SOCK_ADDR) {
    if (a == ATTACH_BIND4) return use(T.SOCK_ADDR_BIND4, T.SOCK_ADDR_BIND4_PTRS);
    if (a == ATTACH_BIND6) return use(T.SOCK_ADDR_BIND6, T.SOCK_ADDR_BIND6_PTRS);
    if (a == ATTACH_CONNECT4) return use(T.SOCK_ADDR_CONNECT4, T.SOCK_ADDR_CONNECT4_PTRS);
    if (a == ATTACH_CONNECT6) return use(T.SOCK_ADDR_CONNECT6, T.SOCK_ADDR_CONNECT6_PTRS);
    if (a == ATTACH_SENDMSG4) return use(T.SOCK_ADDR_SENDMSG4, T.SOCK_ADDR_SENDMSG4_PTRS);
    if (a == ATTACH_SENDMSG6) return use(T.SOCK_ADDR_SENDMSG6, T.SOCK_ADDR_SENDMSG6_PTRS);
    if (a == ATTACH_RECVMSG4) return use(T.SOCK_ADDR_RECVMSG4, T.SOCK_ADDR_RECVMSG4_PTRS);
    if (a == ATTACH_RECVMSG6) return use(T.SOCK_ADDR_RECVMSG6, T.SOCK_ADDR_RECVMSG6_PTRS);
    if (a == ATTACH_GETPEERNAME4) return use(T.SOCK_ADDR_GETPEERNAME4, T.SOCK_ADDR_GETPEERNAME4_PTRS);
    if (a == ATTACH_GETPEERNAME6) return use(T.SOCK_ADDR_GETPEERNAME6, T.SOCK_ADDR_GETPEERNAME6_PTRS);
    if (a == ATTACH_GETSOCKNAME4) return use(T.SOCK_ADDR_GETSOCKNAME4, T.SOCK_ADDR_GETSOCKNAME4_PTRS);
    if (a == ATTACH_GETSOCKNAME6) return use(T.SOCK_ADDR_GETSOCKNAME6, T.SOCK_ADDR_GETSOCKNAME6_PTRS);
  }
  known = false;
  return false;
}

function use(t: StaticArray<u16>, p: StaticArray<i32>): bool {
  table = t;
  ptrs = p;
  return true;
}

function sizeBit(size: i32): i32 {
  return size == 1 ? 1 : size == 2 ? 2 : size == 4 ? 4 : 8;
}

function allowedIn(t: StaticArray<u16>, off: i32, size: i32, kind: i32): bool {
  if (off < 0 || off >= t.length) return false;
  return ((<i32>unchecked(t[off]) >> kind) & sizeBit(size)) != 0;
}

/** Whether the program's context allows this access. */
export function ctxAllowed(off: i32, size: i32, kind: i32): bool {
  return known && allowedIn(table, off, size, kind);
}

/** What a load of the context at `off` yields: SCALAR or a pointer type. */
export function ctxLoadType(off: i32): u8 {
  for (let i = 0; i < ptrs.length; i += 2) {
    if (unchecked(ptrs[i]) == off) return kindToType(unchecked(ptrs[i + 1]));
  }
  return SCALAR;
}

function kindToType(k: i32): u8 {
  if (k == P_PKT) return PTR_TO_PACKET;
  if (k == P_PKT_END) return PTR_TO_PACKET_END;
  if (k == P_PKT_META) return PTR_TO_PACKET_META;
  if (k == P_SOCK) return PTR_TO_SOCKET;
  if (k == P_SOCK_COMMON_OR_NULL) return PTR_TO_SOCK_COMMON_OR_NULL;
  return SCALAR;
}

/** Loads through a socket pointer (bpf_sock fields); `common` for sock_common pointers. */
export function sockLoadAllowed(off: i32, size: i32, common: bool): bool {
  return allowedIn(common ? T.SOCK_COMMON_PTR : T.SOCK_PTR, off, size, ACC_LOAD);
}

/** Program types whose packet pointers may be written through. */
export function packetWritable(): bool {
  const t = prog.progType;
  return t == PROG_XDP || t == PROG_SCHED_CLS || t == PROG_SCHED_ACT;
}
