// IPv6's leaves of the north-south core (lb.ts): the DSR Destination Options header's place,
// 128-bit address comparisons, the flow hash, pod-CIDR membership and the affinity key's client.

import { node_config } from '../lb/index.ts';
import * as s from '../lb/structs.ts';
import { Flow6 } from './flow.ts';

/** How one packet is to be translated and sent, from its flow's conntrack entry. */
export interface Translation6 {
  saddr: FixedArray<be32, 4>;
  daddr: FixedArray<be32, 4>;
  sport: be16;
  dport: be16;
  flags: u16;
  pad: u16;
}

/**
 * parse6 saw the DSR Destination Options header first after the IPv6 header.
 * @inline
 */
export function mayCarryDsr6(f: Flow6): bool {
  return f.dsr !== 0;
}

/**
 * The DSR header goes right behind the IPv6 header, so only into packets without extension
 * headers (a hop-by-hop header must stay first); a flow that opened without them has its entry
 * at the backend's node already. Others go by SNAT.
 * @inline
 */
export function dsrOptionFits6(f: Flow6): bool {
  return f.ext === 0;
}

/**
 * The affinity key's client: the address.
 * @inline
 */
export function affinityClient6(f: Flow6): FixedArray<be32, 4> {
  return f.saddr;
}

/** @inline */
export function nodeAddressCount6(node: s.node_config): u8 {
  return node.ipv6_count;
}

/** @inline */
export function nodeAddress6(node: s.node_config): FixedArray<be32, 4> {
  return node.ipv6[0];
}

/** A hash of the 5-tuple, the same on every node (MurmurHash3's mixing steps over the words). */
export function flowHash6(f: Flow6): u32 {
  let h: u32 = 0x9747b28c;
  for (let i = 0; i < 4; i++) {
    h = ((h ^ ntohl(f.saddr[i])) * 0xcc9e2d51) ^ ntohl(f.daddr[i]);
    h = ((h << 13) | (h >> 19)) * 5 + 0xe6546b64;
  }
  h = h ^ ((u32(ntohs(f.sport)) << 16) | u32(ntohs(f.dport))) ^ u32(f.protocol);
  h = (h ^ (h >> 16)) * 0x85ebca6b;
  h = (h ^ (h >> 13)) * 0xc2b2ae35;
  return h ^ (h >> 16);
}

/** Whether `addr` is in this node's IPv6 pod CIDR (node_config): a local backend. */
export function isLocal6(addr: FixedArray<be32, 4>): bool {
  const node = node_config.lookup(0);
  if (!node || node.pod_prefix6 === 0) return false;
  const prefix = u32(node.pod_prefix6);
  for (let i = 0; i < 4; i++) {
    const start = u32(i) * 32;
    if (prefix > start) {
      const bits = prefix - start >= 32 ? u32(32) : prefix - start;
      const mask = bits === 32 ? u32(0xffffffff) : ~(u32(0xffffffff) >> bits);
      if ((ntohl(addr[i]) & mask) !== (ntohl(node.pod_cidr6[i]) & mask)) return false;
    }
  }
  return true;
}

/**
 * The FIB lookup's addresses (context.ts's route).
 * @inline
 */
export function fibAddresses6(fib: BpfFibLookup, saddr: FixedArray<be32, 4>, daddr: FixedArray<be32, 4>): void {
  for (let i = 0; i < 4; i++) {
    fib.ipv6_src[i] = saddr[i];
    fib.ipv6_dst[i] = daddr[i];
  }
}
