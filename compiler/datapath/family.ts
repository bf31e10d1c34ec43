// The two address families as the datapath's generic code sees them: each family's types (V4,
// V6: its address, flow, conntrack key and value, ...) and a compile-time object of its maps and
// small per-protocol leaves (v4, v6). A path written once takes `fam: Family<F>` with
// `F extends V4 | V6`; the compiler lowers it once per family (docs/bpf-ts.md, "Generics over the
// address family"), so IPv4 and IPv6 each get code as if written for them alone.

import { Ipv4Hdr, Ipv6Hdr } from './headers.ts';
import { ct4, ct4_key, ct4_value, ct6, ct6_key, ct6_value } from './lb/index.ts';
import { Flow4, Flow6, l4Offset, l4Offset6 } from './nodeport/flow.ts';
import { AddrPair4, addressesDiff4, headerCheck4, Nat4 } from './nodeport/nat4.ts';
import { AddrPair6, addressesDiff6, headerCheck6, Nat6 } from './nodeport/nat6.ts';

/** The IPv4 family's types. */
export interface V4 {
  addr: be32;
  ip: Ipv4Hdr;
  flow: Flow4;
  ctKey: ct4_key;
  ctValue: ct4_value;
  nat: Nat4;
  addrPair: AddrPair4;
}

/** The IPv6 family's types: the same roles, 128-bit addresses as FixedArray<be32, 4>. */
export interface V6 {
  addr: FixedArray<be32, 4>;
  ip: Ipv6Hdr;
  flow: Flow6;
  ctKey: ct6_key;
  ctValue: ct6_value;
  nat: Nat6;
  addrPair: AddrPair6;
}

/** Either family's address, as the leaves' parameters take it (checked per family by the compiler). */
type Addr = be32 | FixedArray<be32, 4>;

/**
 * What a family passes to generic code at compile time: its maps, constants and per-protocol
 * leaves. Leaves are methods so that tsc lets generic code pass either family's values; the
 * compiler checks each instance's arguments against its own family's leaf.
 */
export interface Family<F extends V4 | V6> extends AddressFamily {
  /** North-south conntrack (nodeport/conntrack.ts). */
  ct: BpfMap<F['ctKey'], F['ctValue']>;
  /** Where the source address starts in the IP header (the destination follows it). */
  saddrOffset: u8;
  /** Where the L4 header starts (nodeport/flow.ts). */
  l4Offset(f: Flow4 | Flow6): u16;
  /** Both addresses' change as one ones'-complement difference (nodeport/nat.ts). */
  addressesDiff(oldSaddr: Addr, saddr: Addr, oldDaddr: Addr, daddr: Addr): u64;
  /** The IP header's own checksum after the addresses changed by `addrs`; 0 or -1. */
  headerCheck(ctx: XdpMd | SkBuff, addrs: u64): i32;
}

export const v4: Family<V4> = { ipVersion: 4, ct: ct4, saddrOffset: 12, l4Offset, addressesDiff: addressesDiff4, headerCheck: headerCheck4 };
export const v6: Family<V6> = { ipVersion: 6, ct: ct6, saddrOffset: 8, l4Offset: l4Offset6, addressesDiff: addressesDiff6, headerCheck: headerCheck6 };
