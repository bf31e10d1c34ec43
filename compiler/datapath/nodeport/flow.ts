// What the north-south path needs to know about one packet, parsed once at entry: the 5-tuple,
// where the L4 header starts, TCP flags, and whether the packet is (part of) a fragment.

/** An IPv4 packet's flow. */
export interface Flow4 {
  saddr: be32;
  daddr: be32;
  sport: be16;
  dport: be16;
  protocol: u8;
  tcpFlags: u8;
  /** The IPv4 header's length in 32-bit words: above 5, options follow the fixed header. */
  ihl: u8;
  /** FRAG_NONE, FRAG_FIRST or FRAG_LATER. */
  fragment: u8;
  ipId: be16;
  pad: u16;
}

/**
 * Where the L4 header starts. Computed from the IHL each time rather than kept: the verifier
 * then knows the offset is 14 + 4k, so 2-byte accesses to the ports and the checksum are aligned
 * (a stored offset would be any u16 to it, and strict-alignment checks would refuse them).
 * @inline
 */
export function l4Offset(f: Flow4): u16 {
  return 14 + u16(f.ihl & 0x0f) * 4;
}

/** An IPv6 packet's flow, with what its extension headers (ext6.ts) said. */
export interface Flow6 {
  saddr: FixedArray<be32, 4>;
  daddr: FixedArray<be32, 4>;
  sport: be16;
  dport: be16;
  protocol: u8;
  tcpFlags: u8;
  /** Extension headers between the IPv6 and L4 headers, in 8-byte units. */
  ext: u8;
  /** FRAG_NONE, FRAG_FIRST or FRAG_LATER. */
  fragment: u8;
  /** The fragment header's identification (FRAG_FIRST, FRAG_LATER). */
  fragId: be32;
  /** 1: the first extension header is the DSR Destination Options header (dsr6.ts). */
  dsr: u8;
  pad: u8;
  pad2: u16;
}

/**
 * Where the L4 header starts: 14 + 40 + 8k, visibly to the verifier (8-byte aligned within the
 * packet's word-aligned IPv6 header).
 * @inline
 */
export function l4Offset6(f: Flow6): u16 {
  return 54 + u16(f.ext) * 8;
}

/** frag6 key: what every fragment of one IPv6 datagram shares. */
export interface frag6_key {
  saddr: FixedArray<be32, 4>;
  daddr: FixedArray<be32, 4>;
  id: be32;
  protocol: u8;
  pad: FixedArray<u8, 3>;
}

/** frag4 key: what every fragment of one datagram shares. */
export interface frag4_key {
  saddr: be32;
  daddr: be32;
  id: be16;
  protocol: u8;
  pad: u8;
}

/** frag4 value: the ports the first fragment carried. */
export interface frag4_ports {
  sport: be16;
  dport: be16;
}
