// The two address families as the datapath's generic code sees them: each family's types (V4,
// V6: its address, flow, conntrack key and value, ...) and a compile-time object of its maps and
// small per-protocol leaves (v4, v6). A path written once takes `fam: Family<F>` with
// `F extends V4 | V6`; the compiler lowers it once per family (docs/bpf-ts.md, "Generics over the
// address family"), so IPv4 and IPv6 each get code as if written for them alone.

import { Ipv4Hdr, Ipv6Hdr } from '../headers.ts';
import { Addr, lb4, lb6, LbFamily, LbV4, LbV6 } from '../lb/family.ts';
import { ct4, ct4_key, ct4_value, ct6, ct6_key, ct6_value } from '../lb/index.ts';
import * as s from '../lb/structs.ts';
import { DsrOpt4, pushDsr4, readDsr4 } from './dsr4.ts';
import { DsrExt6, pushDsr6, readDsr6 } from './dsr6.ts';
import { Flow4, Flow6, l4Offset, l4Offset6 } from './flow.ts';
import { Outer4, outerSource4, Quote4, readOuter4, readQuote4, rewriteIcmp4 } from './icmp-error4.ts';
import { Outer6, outerSource6, Quote6, readOuter6, readQuote6, rewriteIcmp6 } from './icmp-error6.ts';
import { affinityClient4, dsrOptionFits4, fibAddresses4, flowHash4, isLocal4, mayCarryDsr4, nodeAddress4, nodeAddressCount4, Translation4 } from './lb4.ts';
import { affinityClient6, dsrOptionFits6, fibAddresses6, flowHash6, isLocal6, mayCarryDsr6, nodeAddress6, nodeAddressCount6, Translation6 } from './lb6.ts';
import { AddrPair4, addressesDiff4, decrementTtl4, headerCheck4, Nat4 } from './nat4.ts';
import { AddrPair6, addressesDiff6, decrementHopLimit6, headerCheck6, Nat6 } from './nat6.ts';
import { parse4 } from './parse4.ts';
import { parse6 } from './parse6.ts';

/** The IPv4 family's types. */
export interface V4 extends LbV4 {
  ip: Ipv4Hdr;
  flow: Flow4;
  ctKey: ct4_key;
  ctValue: ct4_value;
  nat: Nat4;
  addrPair: AddrPair4;
  translation: Translation4;
  dsrOpt: DsrOpt4;
  quote: Quote4;
  outer: Outer4;
}

/** The IPv6 family's types: the same roles, 128-bit addresses as FixedArray<be32, 4>. */
export interface V6 extends LbV6 {
  ip: Ipv6Hdr;
  flow: Flow6;
  ctKey: ct6_key;
  ctValue: ct6_value;
  nat: Nat6;
  addrPair: AddrPair6;
  translation: Translation6;
  dsrOpt: DsrExt6;
  quote: Quote6;
  outer: Outer6;
}

/** The LB core's part of a family's types (tsc: LbFamily<LbV4> serves where LbFamily<V4> is asked). */
type LbPart<F extends V4 | V6> = { [K in keyof LbV4]: F[K] };

/** Either family's flow, as the leaves' parameters take it (checked per family by the compiler). */
type Flow = Flow4 | Flow6;

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
  l4Offset(f: Flow): u16;
  /** The packet's flow, parsed once (nodeport/parse4.ts, parse6.ts); PARSE_*. */
  parse(ctx: XdpMd | SkBuff, f: Flow): i32;
  /** Both addresses' change as one ones'-complement difference, unfolded (nodeport/nat.ts, csum.ts). */
  addressesDiff(oldSaddr: Addr, saddr: Addr, oldDaddr: Addr, daddr: Addr): u64;
  /** The IP header's own checksum after the addresses changed by `addrs`, and a forwarded packet's TTL or hop limit down by one; 0 or -1. */
  headerCheck(ctx: XdpMd | SkBuff, addrs: u64, forward: bool): i32;
  /** TTL or hop limit down by one; -1 when spent. */
  decrementHops(ctx: XdpMd | SkBuff): i32;
  /** The LB core's family (../lb/family.ts): services, backends, affinity, source ranges. */
  lb: LbFamily<LbPart<F>>;
  /** The north-south affinity key's client (its address, nodeport/lb4.ts, lb6.ts). */
  affinityClient(f: Flow): u64 | Addr;
  // The north-south core's leaves (nodeport/lb4.ts, lb6.ts).
  flowHash(f: Flow): u32;
  isLocal(addr: Addr): bool;
  nodeAddressCount(node: s.node_config): u8;
  nodeAddress(node: s.node_config): Addr;
  /** The FIB lookup's addresses (nodeport/context.ts's route). */
  fibAddresses(fib: BpfFibLookup, saddr: Addr, daddr: Addr): void;
  // ICMP errors (nodeport/icmp-error.ts): the message's formats.
  readIcmpOuter(ctx: XdpMd | SkBuff, f: Flow): i32;
  readQuote(ctx: XdpMd | SkBuff, f: Flow, q: Quote4 | Quote6): i32;
  outerSource(f: Flow, q: Quote4 | Quote6, e: ct4_value | ct6_value): Addr;
  rewriteIcmp(ctx: XdpMd | SkBuff, f: Flow, q: Quote4 | Quote6, to: Nat4 | Nat6, outer: Outer4 | Outer6): i32;
  // DSR: the option formats (nodeport/dsr4.ts, dsr6.ts).
  mayCarryDsr(f: Flow): bool;
  dsrOptionFits(f: Flow): bool;
  readDsr(ctx: XdpMd | SkBuff): F['dsrOpt'] | null;
  pushDsr(ctx: XdpMd | SkBuff, addr: Addr, port: be16): i32;
}

export const v4: Family<V4> = {
  ipVersion: 4,
  lb: lb4,
  ct: ct4,
  saddrOffset: 12,
  l4Offset,
  parse: parse4,
  addressesDiff: addressesDiff4,
  headerCheck: headerCheck4,
  decrementHops: decrementTtl4,
  affinityClient: affinityClient4,
  flowHash: flowHash4,
  isLocal: isLocal4,
  nodeAddressCount: nodeAddressCount4,
  nodeAddress: nodeAddress4,
  fibAddresses: fibAddresses4,
  readIcmpOuter: readOuter4,
  readQuote: readQuote4,
  outerSource: outerSource4,
  rewriteIcmp: rewriteIcmp4,
  mayCarryDsr: mayCarryDsr4,
  dsrOptionFits: dsrOptionFits4,
  readDsr: readDsr4,
  pushDsr: pushDsr4,
};

export const v6: Family<V6> = {
  ipVersion: 6,
  lb: lb6,
  ct: ct6,
  saddrOffset: 8,
  l4Offset: l4Offset6,
  parse: parse6,
  addressesDiff: addressesDiff6,
  headerCheck: headerCheck6,
  decrementHops: decrementHopLimit6,
  affinityClient: affinityClient6,
  flowHash: flowHash6,
  isLocal: isLocal6,
  nodeAddressCount: nodeAddressCount6,
  nodeAddress: nodeAddress6,
  fibAddresses: fibAddresses6,
  readIcmpOuter: readOuter6,
  readQuote: readQuote6,
  outerSource: outerSource6,
  rewriteIcmp: rewriteIcmp6,
  mayCarryDsr: mayCarryDsr6,
  dsrOptionFits: dsrOptionFits6,
  readDsr: readDsr6,
  pushDsr: pushDsr6,
};
