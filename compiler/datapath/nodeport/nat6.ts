// IPv6's leaves of the translation (nat.ts): the eight address words' change, no header
// checksum, the hop limit.

import { ETH_HLEN, Ipv6Hdr } from '../headers.ts';

/** The new source and destination, all four given. */
export interface Nat6 {
  saddr: FixedArray<be32, 4>;
  daddr: FixedArray<be32, 4>;
  sport: be16;
  dport: be16;
}

/** Both addresses, as they sit in the header (bpf_skb_store_bytes). */
export interface AddrPair6 {
  saddr: FixedArray<be32, 4>;
  daddr: FixedArray<be32, 4>;
}

/**
 * Both addresses' change as one ones'-complement difference (host order): sixteen 32-bit words
 * summed, left unfolded (csum.ts). ~x is 0xffffffff - x for a 32-bit word, so the eight old words
 * are subtracted from eight of those (the sum never goes below zero, and it is the same integer):
 * one instruction per old word fewer than complementing each.
 * @inline
 */
export function addressesDiff6(oldSaddr: FixedArray<be32, 4>, saddr: FixedArray<be32, 4>, oldDaddr: FixedArray<be32, 4>, daddr: FixedArray<be32, 4>): u64 {
  let sum: u64 = 8 * 0xffffffff;
  for (let i = 0; i < 4; i++) {
    sum = sum - u64(ntohl(oldSaddr[i])) + u64(ntohl(saddr[i])) - u64(ntohl(oldDaddr[i])) + u64(ntohl(daddr[i]));
  }
  return sum;
}

/**
 * IPv6 has no header checksum: only a forwarded packet's hop limit to take down.
 * @inline
 */
export function headerCheck6(ctx: XdpMd | SkBuff, addrs: u64, forward: bool): i32 {
  if (forward) return decrementHopLimit6(ctx);
  return 0;
}

/**
 * A forwarded packet's hop limit goes down by one; -1 when it is spent. Inlined, as IPv4's
 * decrementTtl4: it is on every forwarded packet's path.
 * @inline
 */
export function decrementHopLimit6(ctx: XdpMd | SkBuff): i32 {
  const ip = ctx.header<Ipv6Hdr>(ETH_HLEN);
  if (!ip) return -1;
  const hops = ip.hop_limit;
  if (hops <= 1) return -1;
  ip.hop_limit = hops - 1;
  return 0;
}
