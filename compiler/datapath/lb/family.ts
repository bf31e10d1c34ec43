// The two address families as the load-balancing core sees them (the socket LB and the
// north-south path share it): each family's types (LbV4, LbV6: its address, service key,
// backend, affinity key, ...) and a compile-time object of its maps and small per-protocol
// leaves (lb4, lb6). A path written once takes `fam: LbFamily<F>` with `F extends LbTypes`;
// the compiler lowers it once per family (docs/bpf-ts.md, "Generics over the address family").
// The north-south path's family (../nodeport/family.ts) extends these types and holds lb4 / lb6.

import { sock_addr4, sock_addr6 } from '../sock/address.ts';
import { lb4_affinity, lb4_backends, lb4_reverse_nat, lb4_services, lb4_sock_peer, lb4_sock_reverse_nat, lb4_source_ranges, lb6_affinity, lb6_backends, lb6_reverse_nat, lb6_services, lb6_sock_peer, lb6_sock_reverse_nat, lb6_source_ranges } from './maps.ts';
import { netnsAffinityKey4, netnsAffinityKey6 } from './affinity.ts';
import { isAnyAddress4, isAnyAddress6, isNodeAddress4, isNodeAddress6, sameAddress4, sameAddress6 } from './node.ts';
import { clearAddress4, clearAddress6 } from './service.ts';
import * as s from './structs.ts';

/** The IPv4 family's types in the LB core. */
export interface LbV4 {
  addr: be32;
  svcKey: s.lb4_key;
  backend: s.lb4_backend;
  affinityKey: s.lb4_affinity_key;
  srcRangeKey: s.lb4_src_range_key;
  reverseNat: s.lb4_reverse_nat;
  sockAddr: sock_addr4;
  sockKey: s.lb4_sock_key;
  sockNat: s.lb4_sock_reverse_nat;
  sockPeer: s.lb4_sock_peer;
}

/** The IPv6 family's types: the same roles, 128-bit addresses as FixedArray<be32, 4>. */
export interface LbV6 {
  addr: FixedArray<be32, 4>;
  svcKey: s.lb6_key;
  backend: s.lb6_backend;
  affinityKey: s.lb6_affinity_key;
  srcRangeKey: s.lb6_src_range_key;
  reverseNat: s.lb6_reverse_nat;
  sockAddr: sock_addr6;
  sockKey: s.lb6_sock_key;
  sockNat: s.lb6_sock_reverse_nat;
  sockPeer: s.lb6_sock_peer;
}

/** Either family's address, as the leaves' parameters take it (checked per family by the compiler). */
export type Addr = be32 | FixedArray<be32, 4>;

/** What either family's types are (the constraint generic code is written against). */
export interface LbTypes {
  addr: Addr;
  svcKey: s.lb4_key | s.lb6_key;
  backend: s.lb4_backend | s.lb6_backend;
  affinityKey: s.lb4_affinity_key | s.lb6_affinity_key;
  srcRangeKey: s.lb4_src_range_key | s.lb6_src_range_key;
  reverseNat: s.lb4_reverse_nat | s.lb6_reverse_nat;
  sockAddr: sock_addr4 | sock_addr6;
  sockKey: s.lb4_sock_key | s.lb6_sock_key;
  sockNat: s.lb4_sock_reverse_nat | s.lb6_sock_reverse_nat;
  sockPeer: s.lb4_sock_peer | s.lb6_sock_peer;
}

/**
 * What a family passes to the LB core at compile time: its maps and per-protocol leaves. Leaves
 * are methods so that tsc lets generic code pass either family's values; the compiler checks
 * each instance's arguments against its own family's leaf.
 */
export interface LbFamily<F extends LbTypes> extends AddressFamily {
  services: BpfMap<F['svcKey'], s.lb_service>;
  backends: BpfMap<s.lb_backend_key, F['backend']>;
  affinity: BpfMap<F['affinityKey'], s.lb_affinity_value>;
  sourceRanges: BpfMap<F['srcRangeKey'], s.lb_src_range_value>;
  /** The LPM prefix length of a whole address in a source range key. */
  srcRangePrefix: u32;
  /** Frontends by rev_nat_id, as replies must come from them. */
  reverseNat: BpfMap<s.lb_rev_nat_key, F['reverseNat']>;
  /** The socket LB's reverse translation for unconnected UDP, by socket cookie and backend (../sock/). */
  sockReverseNat: BpfMap<F['sockKey'], F['sockNat']>;
  /** A connected socket's frontend and backend, in the socket's own storage (../sock/). */
  sockPeer: SkStorage<F['sockPeer']>;
  /** One of the node's own addresses (NodePorts answer on them all, node.ts). */
  isNodeAddress(addr: Addr): bool;
  isAnyAddress(addr: Addr): bool;
  sameAddress(a: Addr, b: Addr): bool;
  /** The wildcard entry's address (service.ts). */
  clearAddress(key: s.lb4_key | s.lb6_key): void;
  /** The socket LB's affinity key for a network namespace (affinity.ts). */
  netnsAffinityKey(cookie: u64, serviceId: u16): F['affinityKey'];
}

export const lb4: LbFamily<LbV4> = {
  ipVersion: 4,
  services: lb4_services,
  backends: lb4_backends,
  affinity: lb4_affinity,
  sourceRanges: lb4_source_ranges,
  srcRangePrefix: 64,
  reverseNat: lb4_reverse_nat,
  sockReverseNat: lb4_sock_reverse_nat,
  sockPeer: lb4_sock_peer,
  isNodeAddress: isNodeAddress4,
  isAnyAddress: isAnyAddress4,
  sameAddress: sameAddress4,
  clearAddress: clearAddress4,
  netnsAffinityKey: netnsAffinityKey4,
};

export const lb6: LbFamily<LbV6> = {
  ipVersion: 6,
  services: lb6_services,
  backends: lb6_backends,
  affinity: lb6_affinity,
  sourceRanges: lb6_source_ranges,
  srcRangePrefix: 160,
  reverseNat: lb6_reverse_nat,
  sockReverseNat: lb6_sock_reverse_nat,
  sockPeer: lb6_sock_peer,
  isNodeAddress: isNodeAddress6,
  isAnyAddress: isAnyAddress6,
  sameAddress: sameAddress6,
  clearAddress: clearAddress6,
  netnsAffinityKey: netnsAffinityKey6,
};
