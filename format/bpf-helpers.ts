// Kernel helper functions, each fact about one written once: its number (enum bpf_func_id), and
// for the helpers Switchyard models, the argument kinds, the return kind, whether it moves packet
// data, the map types it takes and the program types BPF-TS offers it to. The compiler
// (asm, listings, BPF-TS) reads this file; the AssemblyScript verifier reads the table generated
// from it (verifier/assembly/helper-protos.ts, by scripts/generate-tables.ts). Which program
// types the kernel offers a helper to, and which are GPL-only, is probed from the kernel instead
// (verifier/assembly/helper-tables.ts).

import type { MapTypeName, ProgTypeName } from './bpf-uapi.ts';

/** Index = helper id. The list is the kernel's, in its order; later kernels only append. */
export const helperNames: readonly string[] = Object.freeze([
  'unspec', 'map_lookup_elem', 'map_update_elem', 'map_delete_elem', 'probe_read', 'ktime_get_ns',
  'trace_printk', 'get_prandom_u32', 'get_smp_processor_id', 'skb_store_bytes', 'l3_csum_replace',
  'l4_csum_replace', 'tail_call', 'clone_redirect', 'get_current_pid_tgid', 'get_current_uid_gid',
  'get_current_comm', 'get_cgroup_classid', 'skb_vlan_push', 'skb_vlan_pop', 'skb_get_tunnel_key',
  'skb_set_tunnel_key', 'perf_event_read', 'redirect', 'get_route_realm', 'perf_event_output',
  'skb_load_bytes', 'get_stackid', 'csum_diff', 'skb_get_tunnel_opt', 'skb_set_tunnel_opt',
  'skb_change_proto', 'skb_change_type', 'skb_under_cgroup', 'get_hash_recalc', 'get_current_task',
  'probe_write_user', 'current_task_under_cgroup', 'skb_change_tail', 'skb_pull_data',
  'csum_update', 'set_hash_invalid', 'get_numa_node_id', 'skb_change_head', 'xdp_adjust_head',
  'probe_read_str', 'get_socket_cookie', 'get_socket_uid', 'set_hash', 'setsockopt',
  'skb_adjust_room', 'redirect_map', 'sk_redirect_map', 'sock_map_update', 'xdp_adjust_meta',
  'perf_event_read_value', 'perf_prog_read_value', 'getsockopt', 'override_return',
  'sock_ops_cb_flags_set', 'msg_redirect_map', 'msg_apply_bytes', 'msg_cork_bytes', 'msg_pull_data',
  'bind', 'xdp_adjust_tail', 'skb_get_xfrm_state', 'get_stack', 'skb_load_bytes_relative',
  'fib_lookup', 'sock_hash_update', 'msg_redirect_hash', 'sk_redirect_hash', 'lwt_push_encap',
  'lwt_seg6_store_bytes', 'lwt_seg6_adjust_srh', 'lwt_seg6_action', 'rc_repeat', 'rc_keydown',
  'skb_cgroup_id', 'get_current_cgroup_id', 'get_local_storage', 'sk_select_reuseport',
  'skb_ancestor_cgroup_id', 'sk_lookup_tcp', 'sk_lookup_udp', 'sk_release', 'map_push_elem',
  'map_pop_elem', 'map_peek_elem', 'msg_push_data', 'msg_pop_data', 'rc_pointer_rel', 'spin_lock',
  'spin_unlock', 'sk_fullsock', 'tcp_sock', 'skb_ecn_set_ce', 'get_listener_sock', 'skc_lookup_tcp',
  'tcp_check_syncookie', 'sysctl_get_name', 'sysctl_get_current_value', 'sysctl_get_new_value',
  'sysctl_set_new_value', 'strtol', 'strtoul', 'sk_storage_get', 'sk_storage_delete', 'send_signal',
  'tcp_gen_syncookie', 'skb_output', 'probe_read_user', 'probe_read_kernel', 'probe_read_user_str',
  'probe_read_kernel_str', 'tcp_send_ack', 'send_signal_thread', 'jiffies64', 'read_branch_records',
  'get_ns_current_pid_tgid', 'xdp_output', 'get_netns_cookie', 'get_current_ancestor_cgroup_id',
  'sk_assign', 'ktime_get_boot_ns', 'seq_printf', 'seq_write', 'sk_cgroup_id',
  'sk_ancestor_cgroup_id', 'ringbuf_output', 'ringbuf_reserve', 'ringbuf_submit', 'ringbuf_discard',
  'ringbuf_query', 'csum_level', 'skc_to_tcp6_sock', 'skc_to_tcp_sock', 'skc_to_tcp_timewait_sock',
  'skc_to_tcp_request_sock', 'skc_to_udp6_sock', 'get_task_stack', 'load_hdr_opt', 'store_hdr_opt',
  'reserve_hdr_opt', 'inode_storage_get', 'inode_storage_delete', 'd_path', 'copy_from_user',
  'snprintf_btf', 'seq_printf_btf', 'skb_cgroup_classid', 'redirect_neigh', 'per_cpu_ptr',
  'this_cpu_ptr', 'redirect_peer', 'task_storage_get', 'task_storage_delete',
  'get_current_task_btf', 'bprm_opts_set', 'ktime_get_coarse_ns', 'ima_inode_hash',
  'sock_from_file', 'check_mtu', 'for_each_map_elem', 'snprintf', 'sys_bpf',
  'btf_find_by_name_kind', 'sys_close', 'timer_init', 'timer_set_callback', 'timer_start',
  'timer_cancel', 'get_func_ip', 'get_attach_cookie', 'task_pt_regs', 'get_branch_snapshot',
  'trace_vprintk', 'skc_to_unix_sock', 'kallsyms_lookup_name', 'find_vma', 'loop', 'strncmp',
  'get_func_arg', 'get_func_ret', 'get_func_arg_cnt', 'get_retval', 'set_retval',
  'xdp_get_buff_len', 'xdp_load_bytes', 'xdp_store_bytes', 'copy_from_user_task', 'skb_set_tstamp',
  'ima_file_hash', 'kptr_xchg', 'map_lookup_percpu_elem', 'skc_to_mptcp_sock', 'dynptr_from_mem',
  'ringbuf_reserve_dynptr', 'ringbuf_submit_dynptr', 'ringbuf_discard_dynptr', 'dynptr_read',
  'dynptr_write', 'dynptr_data', 'tcp_raw_gen_syncookie_ipv4', 'tcp_raw_gen_syncookie_ipv6',
  'tcp_raw_check_syncookie_ipv4', 'tcp_raw_check_syncookie_ipv6', 'ktime_get_tai_ns',
  'user_ringbuf_drain',
  // Added after the header this list was taken from (Linux 6.1):
  'cgrp_storage_get', 'cgrp_storage_delete',
]);

/**
 * What a helper argument must be, as the verifier checks it. The order is the numbering the
 * AssemblyScript verifier uses (A_NONE = 0, ...); append only.
 */
export const helperArgKinds = {
  none: 'no argument',
  any: 'any initialised value',
  ctx: 'the context pointer, unmodified',
  ctx_or_null: 'the context pointer or NULL',
  map: 'a map (from an LD_IMM64 map reference)',
  key: "readable memory of the map's key size",
  value: "readable memory of the map's value size",
  mem_ro: 'readable memory; its size is the next argument',
  mem_ro_or_null: 'readable memory or NULL; its size is the next argument',
  mem_uninit: 'memory the helper writes (need not be initialised); size in the next argument',
  mem_rw: 'memory the helper reads and writes; size in the next argument',
  size: 'a size for the previous argument, known bounds, greater than zero',
  size_or_zero: 'a size for the previous argument, known bounds, zero allowed',
  spin_lock: "a map value's bpf_spin_lock (spin-lock.ts)",
  reserve_size: "bpf_ringbuf_reserve's size: a known constant (ringbuf.ts)",
  record_release: 'a reserved ring buffer record, released by the call (ringbuf.ts)',
  callback: 'a static function the helper calls back (callbacks.ts)',
  callback_ctx: "the callback's context: the caller's stack or NULL",
  timer: "a map value's bpf_timer (timer.ts)",
  timer_map: "bpf_timer_init's map: the one the timer's value came from (timer.ts)",
  sock: "a socket, as a hook's ctx->sk gives it (the kernel's ARG_PTR_TO_BTF_ID_SOCK_COMMON)",
  value_or_null: "NULL, or readable memory of the map's value size",
} as const;

/** What a helper returns; numbered in this order (RET_INT = 0, ...); append only. */
export const helperRetKinds = {
  int: 'a scalar',
  void: 'nothing the program may read',
  map_value_or_null: "a pointer to the map's value, or NULL",
  ringbuf_mem_or_null: 'a ring buffer record of the reserved size, or NULL; an acquired reference',
} as const;

export type HelperArgKind = keyof typeof helperArgKinds;
export type HelperRetKind = keyof typeof helperRetKinds;

export interface HelperSpec {
  /** The kernel's name, without `bpf_`. */
  readonly name: string;
  readonly id: number;
  readonly ret: HelperRetKind;
  /** Up to five arguments, in order. */
  readonly args: readonly HelperArgKind[];
  /** Moves packet data: every packet pointer is invalid after the call. */
  readonly movesPacket: boolean;
  /** The map argument's type must be one of these (empty: any the helper accepts). */
  readonly mapTypes: readonly MapTypeName[];
  /** The program types BPF-TS lets call it (empty: not declared to BPF-TS). */
  readonly bpfTs: readonly ProgTypeName[];
}

interface HelperOptions { movesPacket?: boolean; maps?: readonly MapTypeName[]; bpfTs?: readonly ProgTypeName[] }

const idByName = new Map(helperNames.map((n, i) => [n, i]));

function h(name: string, ret: HelperRetKind, args: HelperArgKind[], o: HelperOptions = {}): HelperSpec {
  const id = idByName.get(name);
  if (id === undefined) throw new Error(`format/bpf-helpers.ts: ${name} is not in helperNames`);
  return Object.freeze({ name, id, ret, args: Object.freeze(args), movesPacket: o.movesPacket ?? false, mapTypes: o.maps ?? [], bpfTs: o.bpfTs ?? [] });
}

const LOOKUP_MAPS: MapTypeName[] = ['hash', 'array', 'percpu_hash', 'percpu_array', 'lru_hash', 'lru_percpu_hash', 'lpm_trie', 'array_of_maps', 'hash_of_maps'];
const UPDATE_MAPS: MapTypeName[] = ['hash', 'array', 'percpu_hash', 'percpu_array', 'lru_hash', 'lru_percpu_hash', 'lpm_trie'];
const DELETE_MAPS: MapTypeName[] = ['hash', 'percpu_hash', 'lru_hash', 'lru_percpu_hash', 'lpm_trie'];
const REDIRECT_MAPS: MapTypeName[] = ['devmap', 'cpumap', 'xskmap', 'devmap_hash'];
const FOR_EACH_MAPS: MapTypeName[] = ['hash', 'array', 'percpu_hash', 'percpu_array', 'lru_hash', 'lru_percpu_hash'];

// The BPF-TS program types, by the context each gets (compiler/lang/front/context.ts).
const ALL: ProgTypeName[] = ['xdp', 'sched_cls', 'cgroup_sock_addr', 'cgroup_sock'];
const PACKET: ProgTypeName[] = ['xdp', 'sched_cls'];
const TC: ProgTypeName[] = ['sched_cls'];
const SOCKETS: ProgTypeName[] = ['sched_cls', 'cgroup_sock_addr', 'cgroup_sock'];
// cgroup hooks only (the kernel also leaves them out of recvmsg/getpeername/getsockname).
const CGROUP: ProgTypeName[] = ['cgroup_sock_addr', 'cgroup_sock'];

/** The helpers Switchyard models, by id. */
export const helpers: readonly HelperSpec[] = Object.freeze([
  h('map_lookup_elem', 'map_value_or_null', ['map', 'key'], { maps: LOOKUP_MAPS }),
  h('map_update_elem', 'int', ['map', 'key', 'value', 'any'], { maps: UPDATE_MAPS }),
  h('map_delete_elem', 'int', ['map', 'key'], { maps: DELETE_MAPS }),
  h('ktime_get_ns', 'int', [], { bpfTs: ALL }),
  h('trace_printk', 'int', ['mem_ro', 'size']),
  h('get_prandom_u32', 'int', [], { bpfTs: ALL }),
  h('get_smp_processor_id', 'int', [], { bpfTs: ALL }),
  h('skb_store_bytes', 'int', ['ctx', 'any', 'mem_ro', 'size', 'any'], { movesPacket: true, bpfTs: TC }),
  // Moves packet data as far as the verifier knows.
  h('l3_csum_replace', 'int', ['ctx', 'any', 'any', 'any', 'any'], { movesPacket: true, bpfTs: TC }),
  h('l4_csum_replace', 'int', ['ctx', 'any', 'any', 'any', 'any'], { movesPacket: true, bpfTs: TC }),
  h('tail_call', 'void', ['ctx', 'map', 'any'], { maps: ['prog_array'], bpfTs: ALL }),
  h('get_current_pid_tgid', 'int', []),
  h('get_current_uid_gid', 'int', []),
  h('get_current_comm', 'int', ['mem_uninit', 'size']),
  h('get_cgroup_classid', 'int', ['ctx']),
  h('skb_vlan_push', 'int', ['ctx', 'any', 'any'], { movesPacket: true }),
  h('skb_vlan_pop', 'int', ['ctx'], { movesPacket: true }),
  h('redirect', 'int', ['any', 'any'], { bpfTs: PACKET }),
  h('get_route_realm', 'int', ['ctx']),
  // bpf_xdp_event_output in XDP, bpf_skb_event_output on skbs: the same arguments.
  h('perf_event_output', 'int', ['ctx', 'map', 'any', 'mem_ro', 'size_or_zero'], { maps: ['perf_event_array'] }),
  h('skb_load_bytes', 'int', ['ctx', 'any', 'mem_uninit', 'size'], { bpfTs: TC }),
  h('csum_diff', 'int', ['mem_ro_or_null', 'size_or_zero', 'mem_ro_or_null', 'size_or_zero', 'any'], { bpfTs: PACKET }),
  h('skb_change_proto', 'int', ['ctx', 'any', 'any'], { movesPacket: true }),
  h('skb_change_type', 'int', ['ctx', 'any']),
  h('get_hash_recalc', 'int', ['ctx'], { bpfTs: TC }),
  h('skb_change_tail', 'int', ['ctx', 'any', 'any'], { movesPacket: true, bpfTs: TC }),
  h('skb_pull_data', 'int', ['ctx', 'any'], { movesPacket: true, bpfTs: TC }),
  h('csum_update', 'int', ['ctx', 'any']),
  h('set_hash_invalid', 'void', ['ctx']),
  h('get_numa_node_id', 'int', []),
  h('skb_change_head', 'int', ['ctx', 'any', 'any'], { movesPacket: true, bpfTs: TC }),
  h('xdp_adjust_head', 'int', ['ctx', 'any'], { movesPacket: true, bpfTs: ['xdp'] }),
  h('get_socket_cookie', 'int', ['ctx'], { bpfTs: SOCKETS }),
  h('set_hash', 'int', ['ctx', 'any']),
  h('skb_adjust_room', 'int', ['ctx', 'any', 'any', 'any'], { movesPacket: true, bpfTs: TC }),
  h('redirect_map', 'int', ['map', 'any', 'any'], { maps: REDIRECT_MAPS }),
  h('xdp_adjust_meta', 'int', ['ctx', 'any'], { movesPacket: true }),
  h('xdp_adjust_tail', 'int', ['ctx', 'any'], { movesPacket: true, bpfTs: ['xdp'] }),
  h('fib_lookup', 'int', ['ctx', 'mem_rw', 'size', 'any'], { bpfTs: PACKET }),
  h('skb_cgroup_id', 'int', ['ctx']),
  h('skb_ancestor_cgroup_id', 'int', ['ctx', 'any']),
  h('spin_lock', 'void', ['spin_lock']),
  h('spin_unlock', 'void', ['spin_lock']),
  h('skb_ecn_set_ce', 'int', ['ctx']),
  h('jiffies64', 'int', [], { bpfTs: ALL }),
  h('get_netns_cookie', 'int', ['ctx_or_null'], { bpfTs: SOCKETS }),
  h('ktime_get_boot_ns', 'int', []),
  h('ringbuf_output', 'int', ['map', 'mem_ro', 'size_or_zero', 'any'], { maps: ['ringbuf'] }),
  h('ringbuf_reserve', 'ringbuf_mem_or_null', ['map', 'reserve_size', 'any'], { maps: ['ringbuf'] }),
  h('ringbuf_submit', 'void', ['record_release', 'any']),
  h('ringbuf_discard', 'void', ['record_release', 'any']),
  h('ringbuf_query', 'int', ['map', 'any'], { maps: ['ringbuf'] }),
  h('csum_level', 'int', ['ctx', 'any']),
  h('redirect_neigh', 'int', ['any', 'mem_ro_or_null', 'size_or_zero', 'any'], { bpfTs: TC }),
  h('redirect_peer', 'int', ['any', 'any'], { bpfTs: TC }),
  h('ktime_get_coarse_ns', 'int', []),
  h('for_each_map_elem', 'int', ['map', 'callback', 'callback_ctx', 'any'], { maps: FOR_EACH_MAPS }),
  h('loop', 'int', ['any', 'callback', 'callback_ctx', 'any']),
  h('timer_init', 'int', ['timer', 'timer_map', 'any']),
  h('timer_set_callback', 'int', ['timer', 'callback']),
  h('timer_start', 'int', ['timer', 'any', 'any']),
  h('timer_cancel', 'int', ['timer']),
  // cgroup hooks: the errno a refused call returns (the socket LB's ECONNREFUSED, EADDRINUSE).
  h('get_retval', 'int', [], { bpfTs: CGROUP }),
  h('set_retval', 'int', ['any'], { bpfTs: CGROUP }),
  // Socket-local storage: the map names the storage, the socket holds the value; NULL for the
  // initial value (with BPF_SK_STORAGE_GET_F_CREATE) means zeroed. BPF-TS reaches them as the
  // methods of an sk_storage map (compiler/lang/front/lower-call.ts), not as functions.
  h('sk_storage_get', 'map_value_or_null', ['map', 'sock', 'value_or_null', 'any'], { maps: ['sk_storage'] }),
  h('sk_storage_delete', 'int', ['map', 'sock'], { maps: ['sk_storage'] }),
  h('xdp_get_buff_len', 'int', ['ctx']),
  h('ktime_get_tai_ns', 'int', []),
].sort((a, b) => a.id - b.id));

const specByName = new Map(helpers.map((s) => [s.name, s]));

/** The modelled helper of a name (`bpf_`-prefixed or not), or undefined. */
export function helperSpec(name: string): HelperSpec | undefined {
  return specByName.get(name.replace(/^bpf_/, ''));
}

/** The helper's id; accepts `bpf_`-prefixed names. Throws for an unknown name. */
export function helperId(name: string): number {
  const id = idByName.get(name.replace(/^bpf_/, ''));
  if (id === undefined || id === 0) throw new RangeError(`helper ${name}: not a kernel helper (see enum bpf_func_id)`);
  return id;
}

/** `bpf_map_lookup_elem` for 1; undefined for numbers this list does not know. */
export function helperName(id: number): string | undefined {
  const n = id > 0 ? helperNames[id] : undefined;
  return n === undefined ? undefined : `bpf_${n}`;
}
