// BPF-TS kernel helpers: the ones the datapath needs, typed after the kernel's prototypes
// (include/uapi/linux/bpf.h) with their kernel names. Pointer arguments take a struct or array
// (a stack object, a map value or a packet header); `len`/`plen` arguments stay explicit, as in C.
// The rest of a helper's facts (its number, the contexts it is offered in, whether it moves
// packet data, its argument kinds) are in format/bpf-helpers.ts: the compiler refuses a helper in
// a program type that table does not offer it to, and reloads packet pointers after one that
// moves packet data.

// --- Time, randomness, identity ---------------------------------------------------------------
declare function bpf_ktime_get_ns(): u64;
/** Cheaper than bpf_ktime_get_ns under XDP (the talk: +1.1 Mpps); HZ resolution. */
declare function bpf_jiffies64(): u64;
declare function bpf_get_prandom_u32(): u32;
declare function bpf_get_smp_processor_id(): u32;
declare function bpf_get_socket_cookie(ctx: SockAddr | Sock | SkBuff): u64;
/** null: the netns of the program's own context cannot be named (tc, XDP): the init netns cookie. */
declare function bpf_get_netns_cookie(ctx: SockAddr | Sock | SkBuff | null): u64;
declare function bpf_get_hash_recalc(skb: SkBuff): u32;

// --- cgroup programs --------------------------------------------------------------------------
/**
 * The errno a refused socket call returns instead of EPERM (Linux 5.18): `bpf_set_retval(-111)`
 * then `return SK_DROP` fails connect() with ECONNREFUSED. Returns 0, or -EINVAL for a value
 * that is neither 0 nor a negative errno. Not offered to recvmsg/getpeername/getsockname hooks.
 */
declare function bpf_set_retval(retval: i32): i64;
/** The errno the hook currently leaves for the call (0: none). */
declare function bpf_get_retval(): i32;

// --- Forwarding ---------------------------------------------------------------------------------
declare function bpf_redirect(ifindex: u32, flags: u64): i64;
declare function bpf_redirect_neigh(ifindex: u32, params: BpfRedirNeigh | null, plen: i32, flags: u64): i64;
declare function bpf_redirect_peer(ifindex: u32, flags: u64): i64;
declare function bpf_fib_lookup(ctx: XdpMd | SkBuff, params: BpfFibLookup, plen: i32, flags: u32): i64;
declare function bpf_tail_call(ctx: XdpMd | SkBuff | SockAddr | Sock, progs: ProgArray, index: u32): i64;

// --- Packet data --------------------------------------------------------------------------------
declare function bpf_xdp_adjust_head(xdp: XdpMd, delta: i32): i64;
declare function bpf_xdp_adjust_tail(xdp: XdpMd, delta: i32): i64;
declare function bpf_skb_store_bytes(skb: SkBuff, offset: u32, from: object, len: u32, flags: u64): i64;
declare function bpf_skb_load_bytes(skb: SkBuff, offset: u32, to: object, len: u32): i64;
declare function bpf_skb_adjust_room(skb: SkBuff, len_diff: i32, mode: u32, flags: u64): i64;
declare function bpf_skb_change_head(skb: SkBuff, len: u32, flags: u64): i64;
declare function bpf_skb_change_tail(skb: SkBuff, len: u32, flags: u64): i64;
declare function bpf_skb_pull_data(skb: SkBuff, len: u32): i64;

// --- Checksums ------------------------------------------------------------------------------------
declare function bpf_l3_csum_replace(skb: SkBuff, offset: u32, from: u64, to: u64, flags: u64): i64;
declare function bpf_l4_csum_replace(skb: SkBuff, offset: u32, from: u64, to: u64, flags: u64): i64;
/** Ones'-complement sum of `to` minus `from` (sizes multiples of 4), added to `seed`. */
declare function bpf_csum_diff(from: object | null, from_size: u32, to: object | null, to_size: u32, seed: u32): i64;

/** bpf_l3/l4_csum_replace flags: the low 4 bits are the field size (2 or 4). */
declare const BPF_F_HDR_FIELD_MASK: 0xf;
declare const BPF_F_PSEUDO_HDR: 0x10;
declare const BPF_F_MARK_MANGLED_0: 0x20;
declare const BPF_F_MARK_ENFORCE: 0x40;
/** bpf_skb_store_bytes flags */
declare const BPF_F_RECOMPUTE_CSUM: 1;
declare const BPF_F_INVALIDATE_HASH: 2;
/** bpf_redirect flags */
declare const BPF_F_INGRESS: 1;

// --- FIB lookup ------------------------------------------------------------------------------------

/** struct bpf_fib_lookup (64 bytes); unions appear as fields sharing an @offset. */
interface BpfFibLookup {
  family: u8;
  l4_protocol: u8;
  sport: be16;
  dport: be16;
  /** In: L3 length; out: the MTU (mtu_result). */
  tot_len: u16;
  ifindex: u32;
  /** @offset 12 */
  tos: u8;
  /** @offset 12 */
  flowinfo: be32;
  /** @offset 12 */
  rt_metric: u32;
  /** @offset 16 */
  ipv4_src: be32;
  /** @offset 16 */
  ipv6_src: FixedArray<be32, 4>;
  /** @offset 32 */
  ipv4_dst: be32;
  /** @offset 32 */
  ipv6_dst: FixedArray<be32, 4>;
  /** @offset 48 */
  h_vlan_proto: be16;
  h_vlan_TCI: be16;
  /** @offset 48 */
  tbid: u32;
  smac: FixedArray<u8, 6>;
  dmac: FixedArray<u8, 6>;
  /**
   * The MACs as 16-bit words, for copying them into a packet where the Ethernet header sits at
   * NET_IP_ALIGN (2 bytes into a word): wider accesses there are misaligned.
   * @offset 52
   */
  smac16: FixedArray<u16, 3>;
  dmac16: FixedArray<u16, 3>;
}

/** struct bpf_redir_neigh (20 bytes). */
interface BpfRedirNeigh {
  nh_family: u32;
  /** @offset 4 */
  ipv4_nh: be32;
  /** @offset 4 */
  ipv6_nh: FixedArray<be32, 4>;
}

/** bpf_fib_lookup flags and results */
declare const BPF_FIB_LOOKUP_DIRECT: 1;
declare const BPF_FIB_LOOKUP_OUTPUT: 2;
declare const BPF_FIB_LKUP_RET_SUCCESS: 0;
declare const BPF_FIB_LKUP_RET_BLACKHOLE: 1;
declare const BPF_FIB_LKUP_RET_UNREACHABLE: 2;
declare const BPF_FIB_LKUP_RET_PROHIBIT: 3;
declare const BPF_FIB_LKUP_RET_NOT_FWDED: 4;
declare const BPF_FIB_LKUP_RET_FWD_DISABLED: 5;
declare const BPF_FIB_LKUP_RET_UNSUPP_LWT: 6;
declare const BPF_FIB_LKUP_RET_NO_NEIGH: 7;
declare const BPF_FIB_LKUP_RET_FRAG_NEEDED: 8;

declare const AF_INET: 2;
declare const AF_INET6: 10;
