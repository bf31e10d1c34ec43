// The two address families as the datapath's generic code sees them: each family's types (V4,
// V6: its address, flow, conntrack key and value, ...) and a compile-time object of its maps and
// small per-protocol leaves (v4, v6). A path written once takes `fam: Family<F>` with
// `F extends V4 | V6`; the compiler lowers it once per family (docs/bpf-ts.md, "Generics over the
// address family"), so IPv4 and IPv6 each get code as if written for them alone.

import { Ipv4Hdr, Ipv6Hdr } from './headers.ts';
import {
  clearAddress4,
  clearAddress6,
  ct4,
  ct4_key,
  ct4_value,
  ct6,
  ct6_key,
  ct6_value,
  isNodeAddress4,
  isNodeAddress6,
  lb4_affinity,
  lb4_affinity_key,
  lb4_backend,
  lb4_backends,
  lb4_key,
  lb4_reverse_nat,
  lb4_services,
  lb4_sock_key,
  lb4_sock_reverse_nat,
  lb4_source_ranges,
  lb4_src_range_key,
  lb6_affinity,
  lb6_affinity_key,
  lb6_backend,
  lb6_backends,
  lb6_key,
  lb6_reverse_nat,
  lb6_services,
  lb6_sock_key,
  lb6_sock_reverse_nat,
  lb6_source_ranges,
  lb6_src_range_key,
  lb_service,
  netnsAffinityKey4,
  netnsAffinityKey6,
} from './lb/index.ts';
import * as s from './lb/structs.ts';
import { emit4, emit6, route4, route6 } from './nodeport/context.ts';
import { DsrOpt4, pushDsr4, readDsr4 } from './nodeport/dsr4.ts';
import { DsrExt6, pushDsr6, readDsr6 } from './nodeport/dsr6.ts';
import { Flow4, Flow6, l4Offset, l4Offset6 } from './nodeport/flow.ts';
import { Outer4, outerSource4, Quote4, readOuter4, readQuote4, rewriteIcmp4 } from './nodeport/icmp-error4.ts';
import { Outer6, outerSource6, Quote6, readOuter6, readQuote6, rewriteIcmp6 } from './nodeport/icmp-error6.ts';
import {
  affinityClient4,
  dsrOptionFits4,
  flowHash4,
  isLocal4,
  mayCarryDsr4,
  nodeAddress4,
  nodeAddressCount4,
  sameAddress4,
  Translation4,
} from './nodeport/lb4.ts';
import {
  affinityClient6,
  dsrOptionFits6,
  flowHash6,
  isLocal6,
  mayCarryDsr6,
  nodeAddress6,
  nodeAddressCount6,
  sameAddress6,
  Translation6,
} from './nodeport/lb6.ts';
import { AddrPair4, addressesDiff4, decrementTtl4, headerCheck4, Nat4 } from './nodeport/nat4.ts';
import { AddrPair6, addressesDiff6, decrementHopLimit6, headerCheck6, Nat6 } from './nodeport/nat6.ts';
import { parse4 } from './nodeport/parse4.ts';
import { parse6 } from './nodeport/parse6.ts';
import { isAnyAddress4, isAnyAddress6, sock_addr4, sock_addr6 } from './sock/address.ts';

/** The IPv4 family's types. */
export interface V4 {
  addr: be32;
  ip: Ipv4Hdr;
  flow: Flow4;
  ctKey: ct4_key;
  ctValue: ct4_value;
  nat: Nat4;
  addrPair: AddrPair4;
  translation: Translation4;
  svcKey: lb4_key;
  backend: lb4_backend;
  affinityKey: lb4_affinity_key;
  srcRangeKey: lb4_src_range_key;
  dsrOpt: DsrOpt4;
  sockAddr: sock_addr4;
  sockKey: lb4_sock_key;
  sockNat: s.lb4_sock_reverse_nat;
  quote: Quote4;
  outer: Outer4;
  reverseNat: s.lb4_reverse_nat;
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
  translation: Translation6;
  svcKey: lb6_key;
  backend: lb6_backend;
  affinityKey: lb6_affinity_key;
  srcRangeKey: lb6_src_range_key;
  dsrOpt: DsrExt6;
  sockAddr: sock_addr6;
  sockKey: lb6_sock_key;
  sockNat: s.lb6_sock_reverse_nat;
  quote: Quote6;
  outer: Outer6;
  reverseNat: s.lb6_reverse_nat;
}

/** Either family's values, as the leaves' parameters take them (checked per family by the compiler). */
type Addr = be32 | FixedArray<be32, 4>;
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
  /** Both addresses' change as one ones'-complement difference (nodeport/nat.ts). */
  addressesDiff(oldSaddr: Addr, saddr: Addr, oldDaddr: Addr, daddr: Addr): u64;
  /** The IP header's own checksum after the addresses changed by `addrs`; 0 or -1. */
  headerCheck(ctx: XdpMd | SkBuff, addrs: u64): i32;
  /** TTL or hop limit down by one; -1 when spent. */
  decrementHops(ctx: XdpMd | SkBuff): i32;
  // The LB core (lb/): services, backends, affinity, source ranges.
  services: BpfMap<F['svcKey'], lb_service>;
  backends: BpfMap<s.lb_backend_key, F['backend']>;
  affinity: BpfMap<F['affinityKey'], s.lb_affinity_value>;
  /** One of the node's own addresses (NodePorts answer on them all, lb/node.ts). */
  isNodeAddress(addr: Addr): bool;
  /** Frontends by rev_nat_id, as replies must come from them. */
  reverseNat: BpfMap<s.lb_rev_nat_key, F['reverseNat']>;
  /** The socket LB's reverse translation by socket cookie and backend (sock/). */
  sockReverseNat: BpfMap<F['sockKey'], F['sockNat']>;
  /** The unspecified address (sock/address.ts). */
  isAnyAddress(addr: Addr): bool;
  /** The wildcard entry's address (lb/service.ts). */
  clearAddress(key: F['svcKey']): void;
  /** The socket LB's affinity key for a network namespace (lb/affinity.ts). */
  netnsAffinityKey(cookie: u64, serviceId: u16): F['affinityKey'];
  /** The north-south affinity key's client (its address, nodeport/lb4.ts, lb6.ts). */
  affinityClient(f: Flow): u64 | Addr;
  sourceRanges: BpfMap<F['srcRangeKey'], s.lb_src_range_value>;
  /** The LPM prefix length of a whole address in a source range key. */
  srcRangePrefix: u32;
  // The north-south core's leaves (nodeport/lb4.ts, lb6.ts).
  flowHash(f: Flow): u32;
  isLocal(addr: Addr): bool;
  sameAddress(a: Addr, b: Addr): bool;
  nodeAddressCount(node: s.node_config): u8;
  nodeAddress(node: s.node_config): Addr;
  route(ctx: XdpMd | SkBuff, fib: BpfFibLookup, saddr: Addr, daddr: Addr, local: bool): i64;
  emit(ctx: XdpMd | SkBuff, fib: BpfFibLookup, rc: i64, local: bool): i32;
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
  ct: ct4,
  saddrOffset: 12,
  l4Offset,
  parse: parse4,
  addressesDiff: addressesDiff4,
  headerCheck: headerCheck4,
  decrementHops: decrementTtl4,
  services: lb4_services,
  backends: lb4_backends,
  affinity: lb4_affinity,
  reverseNat: lb4_reverse_nat,
  sockReverseNat: lb4_sock_reverse_nat,
  isAnyAddress: isAnyAddress4,
  isNodeAddress: isNodeAddress4,
  clearAddress: clearAddress4,
  netnsAffinityKey: netnsAffinityKey4,
  affinityClient: affinityClient4,
  sourceRanges: lb4_source_ranges,
  srcRangePrefix: 64,
  flowHash: flowHash4,
  isLocal: isLocal4,
  sameAddress: sameAddress4,
  nodeAddressCount: nodeAddressCount4,
  nodeAddress: nodeAddress4,
  route: route4,
  emit: emit4,
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
  ct: ct6,
  saddrOffset: 8,
  l4Offset: l4Offset6,
  parse: parse6,
  addressesDiff: addressesDiff6,
  headerCheck: headerCheck6,
  decrementHops: decrementHopLimit6,
  services: lb6_services,
  backends: lb6_backends,
  affinity: lb6_affinity,
  reverseNat: lb6_reverse_nat,
  sockReverseNat: lb6_sock_reverse_nat,
  isAnyAddress: isAnyAddress6,
  isNodeAddress: isNodeAddress6,
  clearAddress: clearAddress6,
  netnsAffinityKey: netnsAffinityKey6,
  affinityClient: affinityClient6,
  sourceRanges: lb6_source_ranges,
  srcRangePrefix: 160,
  flowHash: flowHash6,
  isLocal: isLocal6,
  sameAddress: sameAddress6,
  nodeAddressCount: nodeAddressCount6,
  nodeAddress: nodeAddress6,
  route: route6,
  emit: emit6,
  readIcmpOuter: readOuter6,
  readQuote: readQuote6,
  outerSource: outerSource6,
  rewriteIcmp: rewriteIcmp6,
  mayCarryDsr: mayCarryDsr6,
  dsrOptionFits: dsrOptionFits6,
  readDsr: readDsr6,
  pushDsr: pushDsr6,
};
