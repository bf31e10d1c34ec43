// IPv4's leaves of the north-south core (lb.ts): what only an IPv4 packet has (options, where
// the DSR option goes), the flow hash, pod-CIDR membership and the affinity key's client.

import { node_config } from '../lb/index.ts';
import * as s from '../lb/structs.ts';
import { Flow4 } from './flow.ts';

/** How one packet is to be translated and sent, from its flow's conntrack entry. */
export interface Translation4 {
  saddr: be32;
  daddr: be32;
  sport: be16;
  dport: be16;
  flags: u16;
  pad: u16;
}

/**
 * A DSR option can only be in an IPv4 header with options.
 * @inline
 */
export function mayCarryDsr4(f: Flow4): bool {
  return f.ihl > 5;
}

/**
 * The DSR option is added to a header without options (a packet with some goes by SNAT).
 * @inline
 */
export function dsrOptionFits4(f: Flow4): bool {
  return f.ihl === 5;
}

/**
 * The affinity key's client: the address in host order (the socket LB puts the netns cookie there).
 * @inline
 */
export function affinityClient4(f: Flow4): u64 {
  return u64(ntohl(f.saddr));
}

/** @inline */
export function nodeAddressCount4(node: s.node_config): u8 {
  return node.ipv4_count;
}

/** @inline */
export function nodeAddress4(node: s.node_config): be32 {
  return node.ipv4[0];
}

/** A hash of the 5-tuple, the same on every node (MurmurHash3's mixing steps). */
export function flowHash4(f: Flow4): u32 {
  let h: u32 = ntohl(f.saddr) * 0xcc9e2d51;
  h = ((h << 15) | (h >> 17)) * 0x1b873593;
  h = h ^ ntohl(f.daddr);
  h = ((h << 13) | (h >> 19)) * 5 + 0xe6546b64;
  h = h ^ ((u32(ntohs(f.sport)) << 16) | u32(ntohs(f.dport)));
  h = h ^ u32(f.protocol);
  h = (h ^ (h >> 16)) * 0x85ebca6b;
  h = (h ^ (h >> 13)) * 0xc2b2ae35;
  return h ^ (h >> 16);
}

/** Whether `addr` is in this node's pod CIDR (node_config): a local backend. */
export function isLocal4(addr: be32): bool {
  const node = node_config.lookup(0);
  if (!node || node.pod_prefix4 === 0) return false;
  const mask = u32(0xffffffff) << (32 - u32(node.pod_prefix4));
  return (ntohl(addr) & mask) === ntohl(node.pod_cidr4);
}

/**
 * The FIB lookup's addresses (context.ts's route).
 * @inline
 */
export function fibAddresses4(fib: BpfFibLookup, saddr: be32, daddr: be32): void {
  fib.ipv4_src = saddr;
  fib.ipv4_dst = daddr;
}
