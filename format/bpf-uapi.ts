// The kernel's BPF enums that Switchyard speaks (include/uapi/linux/bpf.h), written once: the
// compiler names map types in its objects, the runtime passes them to bpf(2), the verifier
// checks programs by them. Names are the uapi's without their prefix, in lower case
// (BPF_MAP_TYPE_LRU_HASH is `lru_hash`), as libbpf and bpftool print them.

/** enum bpf_map_type. */
export const mapTypes = {
  hash: 1,
  array: 2,
  prog_array: 3,
  perf_event_array: 4,
  percpu_hash: 5,
  percpu_array: 6,
  lru_hash: 9,
  lru_percpu_hash: 10,
  lpm_trie: 11,
  array_of_maps: 12,
  hash_of_maps: 13,
  devmap: 14,
  sockmap: 15,
  cpumap: 16,
  xskmap: 17,
  sockhash: 18,
  queue: 22,
  stack: 23,
  sk_storage: 24,
  devmap_hash: 25,
  ringbuf: 27,
} as const;

/** enum bpf_prog_type. */
export const progTypes = {
  socket_filter: 1,
  sched_cls: 3,
  sched_act: 4,
  xdp: 6,
  cgroup_skb: 8,
  cgroup_sock: 9,
  sock_ops: 13,
  cgroup_sock_addr: 18,
  sk_lookup: 30,
} as const;

/**
 * map_flags BPF_F_RDONLY_PROG: programs may only read the map. libbpf creates `.rodata` and
 * `.kconfig` with it and freezes them, and only then does the verifier trust their contents.
 */
export const BPF_F_RDONLY_PROG = 1 << 7;

/** prog_flags BPF_F_XDP_HAS_FRAGS: an XDP program that handles multi-buffer packets. */
export const BPF_F_XDP_HAS_FRAGS = 1 << 5;

/**
 * The two instructions an object's references live in (BPF_JMP|BPF_CALL and BPF_LD|BPF_IMM|
 * BPF_DW, by opcode byte), and the src_reg values (BPF_PSEUDO_*) that say what they refer to:
 * a call with src CALL is a BPF-to-BPF call; an ld_imm64 with MAP_FD, MAP_VALUE or FUNC loads a
 * map, an address in a map's value, or a function's address.
 */
export const refOpcode = { CALL: 0x85, LD_IMM64: 0x18 } as const;
export const pseudoSrc = { CALL: 1, MAP_FD: 1, MAP_VALUE: 2, FUNC: 4 } as const;

/**
 * The context struct each program type receives, named as in the uapi headers: the BTF name the
 * kernel recognises as the context in a global function's prototype.
 */
export const progCtxStructs: Readonly<Record<keyof typeof progTypes, string>> = {
  socket_filter: '__sk_buff',
  sched_cls: '__sk_buff',
  sched_act: '__sk_buff',
  xdp: 'xdp_md',
  cgroup_skb: '__sk_buff',
  cgroup_sock: 'bpf_sock',
  sock_ops: 'bpf_sock_ops',
  cgroup_sock_addr: 'bpf_sock_addr',
  sk_lookup: 'bpf_sk_lookup',
};

/** enum bpf_attach_type, the hooks the datapath and its tests use (TCX_* since 6.6). */
export const attachTypes = {
  cgroup_inet_ingress: 0,
  cgroup_inet_egress: 1,
  cgroup_inet_sock_create: 2,
  cgroup_inet4_bind: 8,
  cgroup_inet6_bind: 9,
  cgroup_inet4_connect: 10,
  cgroup_inet6_connect: 11,
  cgroup_inet4_post_bind: 12,
  cgroup_inet6_post_bind: 13,
  cgroup_udp4_sendmsg: 14,
  cgroup_udp6_sendmsg: 15,
  cgroup_udp4_recvmsg: 19,
  cgroup_udp6_recvmsg: 20,
  cgroup_inet4_getpeername: 29,
  cgroup_inet6_getpeername: 30,
  cgroup_inet4_getsockname: 31,
  cgroup_inet6_getsockname: 32,
  xdp_devmap: 33,
  cgroup_inet_sock_release: 34,
  xdp_cpumap: 35,
  sk_lookup: 36,
  xdp: 37,
  tcx_ingress: 46,
  tcx_egress: 47,
} as const;

export type MapTypeName = keyof typeof mapTypes;
export type ProgTypeName = keyof typeof progTypes;
export type AttachTypeName = keyof typeof attachTypes;

/** The same table keyed in the uapi's upper case (`LRU_HASH`), as C code and the runtime write it. */
export type UpperKeys<T> = { readonly [K in keyof T & string as Uppercase<K>]: T[K] };

export function upperKeys<T extends Record<string, number>>(table: T): UpperKeys<T> {
  return Object.freeze(Object.fromEntries(Object.entries(table).map(([k, v]) => [k.toUpperCase(), v]))) as UpperKeys<T>;
}

/** The name of a value in one of the tables, or `#n` for a value it does not list. */
export function uapiName(table: Readonly<Record<string, number>>, value: number): string {
  for (const k in table) if (table[k] === value) return k;
  return `#${value}`;
}
