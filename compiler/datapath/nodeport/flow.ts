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
 */
export function l4Offset(f: Flow4): u16 {
  return 14 + u16(f.ihl & 0x0f) * 4;
}

/** An IPv6 packet's flow (no extension headers but a leading DSR Destination Options header). */
export interface Flow6 {
  saddr: FixedArray<be32, 4>;
  daddr: FixedArray<be32, 4>;
  sport: be16;
  dport: be16;
  protocol: u8;
  tcpFlags: u8;
  l4: u16;
  /** Offset of the DSR option's data (port, address), 0 when the packet has none. */
  dsr: u16;
  pad: u16;
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
