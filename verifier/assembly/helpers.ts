// Helper function prototypes: for each helper the verifier models, what each argument must be,
// what the call returns, and whether it may move packet data (invalidating packet pointers).
// Which program types may call a helper at all comes from helper-tables.ts (probed).

import * as H from './helper-tables';
import { prog } from './program';
import {
  PROG_CGROUP_SKB, PROG_CGROUP_SOCK, PROG_CGROUP_SOCK_ADDR, PROG_SCHED_ACT, PROG_SCHED_CLS, PROG_SOCKET_FILTER, PROG_XDP,
  ATTACH_CONNECT4, ATTACH_CONNECT6, ATTACH_SENDMSG4, ATTACH_SENDMSG6, ATTACH_RECVMSG4, ATTACH_RECVMSG6, ATTACH_BIND4,
  ATTACH_BIND6, ATTACH_GETPEERNAME4, ATTACH_GETPEERNAME6, ATTACH_GETSOCKNAME4, ATTACH_GETSOCKNAME6,
} from './ctx';

/** Argument kinds. */
export const A_NONE: u8 = 0;
/** Any initialised value. */
export const A_ANY: u8 = 1;
/** The context pointer, unmodified. */
export const A_CTX: u8 = 2;
/** The context pointer or NULL. */
export const A_CTX_OR_NULL: u8 = 3;
/** A map (from an LD_IMM64 map reference). */
export const A_MAP: u8 = 4;
/** Readable memory of the map's key size. */
export const A_KEY: u8 = 5;
/** Readable memory of the map's value size. */
export const A_VALUE: u8 = 6;
/** Readable memory; its size is the next argument. */
export const A_MEM_RO: u8 = 7;
/** Readable memory or NULL; its size is the next argument. */
export const A_MEM_RO_OR_NULL: u8 = 8;
/** Memory the helper writes (need not be initialised); size in the next argument. */
export const A_MEM_UNINIT: u8 = 9;
/** Memory the helper reads and writes; size in the next argument. */
export const A_MEM_RW: u8 = 10;
/** A size for the previous argument, known bounds, greater than zero. */
export const A_SIZE: u8 = 11;
/** A size for the previous argument, known bounds, zero allowed. */
export const A_SIZE_OR_ZERO: u8 = 12;
/** A map value's bpf_spin_lock (spin-lock.ts). */
export const A_SPIN_LOCK: u8 = 13;
/** bpf_ringbuf_reserve's size: a known constant (ringbuf.ts). */
export const A_RESERVE_SIZE: u8 = 14;
/** A reserved ring buffer record, released by the call (ringbuf.ts). */
export const A_RECORD_RELEASE: u8 = 15;
/** A static function the helper calls back (callbacks.ts). */
export const A_CALLBACK: u8 = 16;
/** The callback's context: the caller's stack or NULL. */
export const A_CALLBACK_CTX: u8 = 17;
/** A map value's bpf_timer (timer.ts). */
export const A_TIMER: u8 = 18;
/** bpf_timer_init's map: the one the timer's value came from (timer.ts). */
export const A_TIMER_MAP: u8 = 19;

/** Return kinds. */
export const RET_INT: u8 = 0;
export const RET_VOID: u8 = 1;
export const RET_MAP_VALUE_OR_NULL: u8 = 2;
/** A ring buffer record of the reserved size, or NULL; an acquired reference. */
export const RET_RINGBUF_MEM_OR_NULL: u8 = 3;

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

/** Bit masks of map types for Proto.mapTypes. */
function bit(t: i32): u32 {
  return <u32>1 << <u32>t;
}
const LOOKUP_MAPS: u32 = bit(1) | bit(2) | bit(5) | bit(6) | bit(9) | bit(10) | bit(11) | bit(12) | bit(13);
const UPDATE_MAPS: u32 = bit(1) | bit(2) | bit(5) | bit(6) | bit(9) | bit(10) | bit(11);
const DELETE_MAPS: u32 = bit(1) | bit(5) | bit(9) | bit(10) | bit(11);
const REDIRECT_MAPS: u32 = bit(14) | bit(16) | bit(17) | bit(25);
const RINGBUF_MAPS: u32 = bit(27);
const PERF_EVENT_MAPS: u32 = bit(4);
const FOR_EACH_MAPS: u32 = bit(1) | bit(2) | bit(5) | bit(6) | bit(9) | bit(10);

let protos: Array<Proto | null> = changetype<Array<Proto | null>>(0);

function def(p: Proto): void {
  // The name is written here for the reader; the uapi header's (helper-tables.ts) is the fact.
  assert(p.id >= H.NAMES.length || unchecked(H.NAMES[p.id]) == p.name, 'helpers.ts: prototype name differs from the uapi header');
  while (protos.length <= p.id) protos.push(null);
  protos[p.id] = p;
}

export function initHelpers(): void {
  protos = new Array<Proto | null>();
  def(new Proto(1, 'bpf_map_lookup_elem', RET_MAP_VALUE_OR_NULL, A_MAP, A_KEY, A_NONE, A_NONE, A_NONE, false, LOOKUP_MAPS));
  def(new Proto(2, 'bpf_map_update_elem', RET_INT, A_MAP, A_KEY, A_VALUE, A_ANY, A_NONE, false, UPDATE_MAPS));
  def(new Proto(3, 'bpf_map_delete_elem', RET_INT, A_MAP, A_KEY, A_NONE, A_NONE, A_NONE, false, DELETE_MAPS));
  def(new Proto(5, 'bpf_ktime_get_ns', RET_INT));
  def(new Proto(6, 'bpf_trace_printk', RET_INT, A_MEM_RO, A_SIZE));
  def(new Proto(7, 'bpf_get_prandom_u32', RET_INT));
  def(new Proto(8, 'bpf_get_smp_processor_id', RET_INT));
  def(new Proto(9, 'bpf_skb_store_bytes', RET_INT, A_CTX, A_ANY, A_MEM_RO, A_SIZE, A_ANY, true));
  def(new Proto(10, 'bpf_l3_csum_replace', RET_INT, A_CTX, A_ANY, A_ANY, A_ANY, A_ANY, true));
  def(new Proto(11, 'bpf_l4_csum_replace', RET_INT, A_CTX, A_ANY, A_ANY, A_ANY, A_ANY, true));
  def(new Proto(12, 'bpf_tail_call', RET_VOID, A_CTX, A_MAP, A_ANY, A_NONE, A_NONE, false, bit(3)));
  def(new Proto(14, 'bpf_get_current_pid_tgid', RET_INT));
  def(new Proto(15, 'bpf_get_current_uid_gid', RET_INT));
  def(new Proto(16, 'bpf_get_current_comm', RET_INT, A_MEM_UNINIT, A_SIZE));
  def(new Proto(17, 'bpf_get_cgroup_classid', RET_INT, A_CTX));
  def(new Proto(18, 'bpf_skb_vlan_push', RET_INT, A_CTX, A_ANY, A_ANY, A_NONE, A_NONE, true));
  def(new Proto(19, 'bpf_skb_vlan_pop', RET_INT, A_CTX, A_NONE, A_NONE, A_NONE, A_NONE, true));
  def(new Proto(23, 'bpf_redirect', RET_INT, A_ANY, A_ANY));
  def(new Proto(24, 'bpf_get_route_realm', RET_INT, A_CTX));
  // bpf_xdp_event_output in XDP, bpf_skb_event_output on skbs: the same arguments.
  def(new Proto(25, 'bpf_perf_event_output', RET_INT, A_CTX, A_MAP, A_ANY, A_MEM_RO, A_SIZE_OR_ZERO, false, PERF_EVENT_MAPS));
  def(new Proto(26, 'bpf_skb_load_bytes', RET_INT, A_CTX, A_ANY, A_MEM_UNINIT, A_SIZE));
  def(new Proto(28, 'bpf_csum_diff', RET_INT, A_MEM_RO_OR_NULL, A_SIZE_OR_ZERO, A_MEM_RO_OR_NULL, A_SIZE_OR_ZERO, A_ANY));
  def(new Proto(31, 'bpf_skb_change_proto', RET_INT, A_CTX, A_ANY, A_ANY, A_NONE, A_NONE, true));
  def(new Proto(32, 'bpf_skb_change_type', RET_INT, A_CTX, A_ANY));
  def(new Proto(34, 'bpf_get_hash_recalc', RET_INT, A_CTX));
  def(new Proto(38, 'bpf_skb_change_tail', RET_INT, A_CTX, A_ANY, A_ANY, A_NONE, A_NONE, true));
  def(new Proto(39, 'bpf_skb_pull_data', RET_INT, A_CTX, A_ANY, A_NONE, A_NONE, A_NONE, true));
  def(new Proto(40, 'bpf_csum_update', RET_INT, A_CTX, A_ANY));
  def(new Proto(41, 'bpf_set_hash_invalid', RET_VOID, A_CTX));
  def(new Proto(42, 'bpf_get_numa_node_id', RET_INT));
  def(new Proto(44, 'bpf_xdp_adjust_head', RET_INT, A_CTX, A_ANY, A_NONE, A_NONE, A_NONE, true));
  def(new Proto(46, 'bpf_get_socket_cookie', RET_INT, A_CTX));
  def(new Proto(48, 'bpf_set_hash', RET_INT, A_CTX, A_ANY));
  def(new Proto(50, 'bpf_skb_adjust_room', RET_INT, A_CTX, A_ANY, A_ANY, A_ANY, A_NONE, true));
  def(new Proto(51, 'bpf_redirect_map', RET_INT, A_MAP, A_ANY, A_ANY, A_NONE, A_NONE, false, REDIRECT_MAPS));
  def(new Proto(54, 'bpf_xdp_adjust_meta', RET_INT, A_CTX, A_ANY, A_NONE, A_NONE, A_NONE, true));
  def(new Proto(65, 'bpf_xdp_adjust_tail', RET_INT, A_CTX, A_ANY, A_NONE, A_NONE, A_NONE, true));
  def(new Proto(69, 'bpf_fib_lookup', RET_INT, A_CTX, A_MEM_RW, A_SIZE, A_ANY));
  def(new Proto(79, 'bpf_skb_cgroup_id', RET_INT, A_CTX));
  def(new Proto(83, 'bpf_skb_ancestor_cgroup_id', RET_INT, A_CTX, A_ANY));
  def(new Proto(93, 'bpf_spin_lock', RET_VOID, A_SPIN_LOCK));
  def(new Proto(94, 'bpf_spin_unlock', RET_VOID, A_SPIN_LOCK));
  def(new Proto(97, 'bpf_skb_ecn_set_ce', RET_INT, A_CTX));
  def(new Proto(118, 'bpf_jiffies64', RET_INT));
  def(new Proto(125, 'bpf_ktime_get_boot_ns', RET_INT));
  def(new Proto(122, 'bpf_get_netns_cookie', RET_INT, A_CTX_OR_NULL));
  def(new Proto(130, 'bpf_ringbuf_output', RET_INT, A_MAP, A_MEM_RO, A_SIZE_OR_ZERO, A_ANY, A_NONE, false, RINGBUF_MAPS));
  def(new Proto(131, 'bpf_ringbuf_reserve', RET_RINGBUF_MEM_OR_NULL, A_MAP, A_RESERVE_SIZE, A_ANY, A_NONE, A_NONE, false, RINGBUF_MAPS));
  def(new Proto(132, 'bpf_ringbuf_submit', RET_VOID, A_RECORD_RELEASE, A_ANY));
  def(new Proto(133, 'bpf_ringbuf_discard', RET_VOID, A_RECORD_RELEASE, A_ANY));
  def(new Proto(134, 'bpf_ringbuf_query', RET_INT, A_MAP, A_ANY, A_NONE, A_NONE, A_NONE, false, RINGBUF_MAPS));
  def(new Proto(135, 'bpf_csum_level', RET_INT, A_CTX, A_ANY));
  def(new Proto(152, 'bpf_redirect_neigh', RET_INT, A_ANY, A_MEM_RO_OR_NULL, A_SIZE_OR_ZERO, A_ANY));
  def(new Proto(155, 'bpf_redirect_peer', RET_INT, A_ANY, A_ANY));
  def(new Proto(160, 'bpf_ktime_get_coarse_ns', RET_INT));
  // cgroup hooks: the errno a refused call returns (the socket LB's ECONNREFUSED, EADDRINUSE).
  def(new Proto(164, 'bpf_for_each_map_elem', RET_INT, A_MAP, A_CALLBACK, A_CALLBACK_CTX, A_ANY, A_NONE, false, FOR_EACH_MAPS));
  def(new Proto(169, 'bpf_timer_init', RET_INT, A_TIMER, A_TIMER_MAP, A_ANY));
  def(new Proto(170, 'bpf_timer_set_callback', RET_INT, A_TIMER, A_CALLBACK));
  def(new Proto(171, 'bpf_timer_start', RET_INT, A_TIMER, A_ANY, A_ANY));
  def(new Proto(172, 'bpf_timer_cancel', RET_INT, A_TIMER));
  def(new Proto(181, 'bpf_loop', RET_INT, A_ANY, A_CALLBACK, A_CALLBACK_CTX, A_ANY));
  def(new Proto(186, 'bpf_get_retval', RET_INT));
  def(new Proto(188, 'bpf_xdp_get_buff_len', RET_INT, A_CTX));
  def(new Proto(187, 'bpf_set_retval', RET_INT, A_ANY));
  def(new Proto(208, 'bpf_ktime_get_tai_ns', RET_INT));
}

/** The prototype of helper `id`, or null when it is not modelled. */
export function proto(id: i32): Proto | null {
  return id >= 0 && id < protos.length ? protos[id] : null;
}

/** `bpf_spin_lock#93`, as the kernel names a helper in its messages; `unknown#N` past the known ids. */
export function helperName(id: i32): string {
  const name = id >= 0 && id < H.NAMES.length ? unchecked(H.NAMES[id]) : '';
  return (name.length ? name : 'unknown') + '#' + id.toString();
}

/**
 * Why helper `id` is refused as not modelled, in plain words: the feature it belongs to where
 * that is one this verifier lacks as a whole, else the helper alone.
 */
export function notModelled(id: i32): string {
  let what = 'this helper';
  if (id == 194) what = 'kptrs';
  else if (id >= 197 && id <= 203) what = 'dynptrs';
  else if (id == 209) what = 'user ring buffers';
  else if (id == 121) what = 'perf event output from tracing';
  return helperName(id) + ': ' + what + ' is not supported by this verifier yet';
}

/** Whether the kernel knows helper `id` at all (it names it). */
export function helperKnown(id: i32): bool {
  return id > 0 && id < H.NAMES.length && unchecked(H.NAMES[id]).length > 0;
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
