// IPv4's leaves of the translation (nat.ts): the address words' change, the header checksum, the TTL.

import { ETH_HLEN, Ipv4Hdr } from '../headers.ts';
import { addToCheck } from './csum.ts';

/** The new source and destination, all four given (no branches on what to keep). */
export interface Nat4 {
  saddr: be32;
  daddr: be32;
  sport: be16;
  dport: be16;
}

/** Both addresses, as they sit in the header (bpf_skb_store_bytes). */
export interface AddrPair4 {
  saddr: be32;
  daddr: be32;
}

/**
 * Both addresses' change as one ones'-complement difference (host order, unfolded: csum.ts).
 * @inline
 */
export function addressesDiff4(oldSaddr: be32, saddr: be32, oldDaddr: be32, daddr: be32): u64 {
  return u64(~ntohl(oldSaddr)) + u64(ntohl(saddr)) + u64(~ntohl(oldDaddr)) + u64(ntohl(daddr));
}

/**
 * The IP header's checksum covers the header alone, and no skb state follows it (the helpers'
 * l3 form is this arithmetic too): written directly, on tc as on XDP. A forwarded packet's TTL
 * goes down in the same pass, its change added to the addresses' (one update of the field, not
 * two). 0, or -1 if cut short or the TTL is spent.
 * @inline
 */
export function headerCheck4(ctx: XdpMd | SkBuff, addrs: u64, forward: bool): i32 {
  const ip = ctx.header<Ipv4Hdr>(ETH_HLEN);
  if (!ip) return -1;
  let diff = addrs;
  if (forward) {
    const ttl = ip.ttl;
    if (ttl <= 1) return -1;
    ip.ttl = ttl - 1;
    diff += TTL_DOWN_DIFF;
  }
  ip.check = addToCheck(ip.check, diff);
  return 0;
}

/**
 * The TTL is the high byte of its 16-bit word: one less there is a difference of ~w + (w - 0x100),
 * 0xfeff whatever the word.
 */
const TTL_DOWN_DIFF = 0xfeff;

/**
 * A forwarded packet's TTL goes down by one, as a router's would (bpf_redirect* bypasses
 * ip_forward, which would have done it). 0, or -1 when the TTL is spent: the kernel's stack
 * then answers with ICMP time exceeded. Inlined: it is on every forwarded packet's path.
 * @inline
 */
export function decrementTtl4(ctx: XdpMd | SkBuff): i32 {
  const ip = ctx.header<Ipv4Hdr>(ETH_HLEN);
  if (!ip) return -1;
  const ttl = ip.ttl;
  if (ttl <= 1) return -1;
  ip.ttl = ttl - 1;
  ip.check = addToCheck(ip.check, TTL_DOWN_DIFF);
  return 0;
}
