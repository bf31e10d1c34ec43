// BPF-TS program contexts: the first parameter of a program tells its type. A program is an
// exported function with a `@section` JSDoc tag (libbpf's section name) taking one context:
//
//   /** @section xdp */
//   export function lb(ctx: XdpMd): u32 { ... }
//
// Fields are the kernel's (struct xdp_md, __sk_buff, bpf_sock_addr, bpf_sock); readonly ones
// the verifier does not let a program write. Network-order fields are be16/be32.

/** What XDP and tc share: bounds-checked packet access and checksum updates. */
interface PacketContext {
  /**
   * A pointer to a T at `offset` bytes into the packet, or null when the packet is shorter than
   * offset + sizeof<T>(). Compiles to the check `data + offset + size > data_end`.
   * Any helper that may move packet data (bpf_l3_csum_replace on tc, bpf_xdp_adjust_head, ...)
   * ends the life of the pointers obtained before it: get them again.
   */
  header<T extends object>(offset: number): T | null;
  /**
   * Updates the 16-bit checksum at packet `offset` for a 2- or 4-byte field changed from `from`
   * to `to`; `flags` is the field size (2 or 4), a compile-time constant. tc: bpf_l3_csum_replace.
   * XDP: inline arithmetic. Returns 0, or -EFAULT (-14) when the checksum lies outside the packet.
   */
  l3CsumReplace(offset: number, from: be16 | be32, to: be16 | be32, flags: u64): i64;
  /**
   * As l3CsumReplace for a TCP/UDP checksum; `flags` may add BPF_F_PSEUDO_HDR (the field is an
   * address of the pseudo header) and BPF_F_MARK_MANGLED_0 (UDP: a zero checksum stays zero and
   * a computed zero is written as 0xffff). tc: bpf_l4_csum_replace. XDP: inline arithmetic.
   */
  l4CsumReplace(offset: number, from: be16 | be32, to: be16 | be32, flags: u64): i64;
}

/** struct xdp_md: sections `xdp`. */
interface XdpMd extends PacketContext {
  readonly ingress_ifindex: u32;
  readonly rx_queue_index: u32;
  readonly egress_ifindex: u32;
}

/** struct __sk_buff: sections `tcx/ingress`, `tcx/egress`, `tc`. */
interface SkBuff extends PacketContext {
  readonly len: u32;
  readonly pkt_type: u32;
  mark: u32;
  queue_mapping: u32;
  readonly protocol: be16;
  readonly vlan_present: u32;
  readonly vlan_tci: u32;
  readonly vlan_proto: be16;
  priority: u32;
  readonly ingress_ifindex: u32;
  readonly ifindex: u32;
  tc_index: u32;
  cb: FixedArray<u32, 5>;
  readonly hash: u32;
  tc_classid: u32;
  readonly napi_id: u32;
  tstamp: u64;
  readonly wire_len: u32;
  readonly gso_segs: u32;
  readonly gso_size: u32;
}

/**
 * struct bpf_sock_addr: sections `cgroup/connect4|6`, `cgroup/sendmsg4|6`, `cgroup/recvmsg4|6`,
 * `cgroup/getpeername4|6`, `cgroup/bind4|6`. Return 1 to allow the call, 0 to refuse it.
 */
interface SockAddr {
  readonly user_family: u32;
  user_ip4: be32;
  user_ip6: FixedArray<be32, 4>;
  /** The port in network order, in the low 16 bits of a 4-byte field. */
  user_port: be16;
  readonly family: u32;
  readonly type: u32;
  readonly protocol: u32;
  msg_src_ip4: be32;
  msg_src_ip6: FixedArray<be32, 4>;
}

/**
 * struct bpf_sock: sections `cgroup/sock_create`, `cgroup/sock_release`,
 * `cgroup/post_bind4|6`. Return 1 to allow, 0 to refuse.
 */
interface Sock {
  bound_dev_if: u32;
  readonly family: u32;
  readonly type: u32;
  readonly protocol: u32;
  mark: u32;
  priority: u32;
  readonly src_ip4: be32;
  readonly src_ip6: FixedArray<be32, 4>;
  /** Host byte order. */
  readonly src_port: u32;
  readonly dst_port: be16;
  readonly dst_ip4: be32;
  readonly dst_ip6: FixedArray<be32, 4>;
  readonly state: u32;
  readonly rx_queue_mapping: i32;
}

/**
 * Whether the program being compiled is XDP: a compile-time constant, so context-generic code
 * (`ctx: XdpMd | SkBuff`) keeps one layer per context and the other branch vanishes. TypeScript
 * narrows `ctx` to XdpMd in the true branch and to SkBuff in the false one.
 */
declare function isXdp(ctx: XdpMd | SkBuff): ctx is XdpMd;

// Return codes.
declare const XDP_ABORTED: 0;
declare const XDP_DROP: 1;
declare const XDP_PASS: 2;
declare const XDP_TX: 3;
declare const XDP_REDIRECT: 4;

declare const TC_ACT_UNSPEC: -1;
declare const TC_ACT_OK: 0;
declare const TC_ACT_SHOT: 2;
declare const TC_ACT_REDIRECT: 7;

/** cgroup programs: refuse (0) or allow (1) the socket operation. */
declare const SK_DROP: 0;
declare const SK_PASS: 1;
