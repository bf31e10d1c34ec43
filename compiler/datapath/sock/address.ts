// A socket address as the socket LB passes it around: the destination a call names (forward
// translation) or the peer a call reports (reverse translation), read from and written back to
// the hook's context by the program, so the translation itself is shared by v4 and v4-in-v6.

/** An IPv4 address and port, network order. */
export interface sock_addr4 {
  address: be32;
  port: be16;
  pad: u16;
}

export interface sock_addr6 {
  address: FixedArray<be32, 4>;
  port: be16;
  pad: u16;
}

/** ::ffff:a.b.c.d: an IPv4 peer of an IPv6 socket, looked up in the IPv4 tables. */
export function isV4Mapped(a0: be32, a1: be32, a2: be32): bool {
  return a0 === be32(0) && a1 === be32(0) && a2 === htonl(0xffff);
}

/** IPPROTO_TCP or IPPROTO_UDP as the lookup key takes it; 0 for anything else. */
export function lbProtocol(protocol: u32): u8 {
  if (protocol === 6 || protocol === 17) return u8(protocol);
  return 0;
}
