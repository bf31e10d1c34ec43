// IPv4 address and port translation with every checksum kept right: the IP header's, and the
// TCP/UDP checksum, which covers the ports and, through the pseudo header, both addresses. A
// later fragment has no L4 header: only its addresses change (the first fragment's L4 checksum
// already accounts for them). The changes are summed once as RFC 1624 differences and added to
// the IP header's checksum directly; for the TCP/UDP checksum, XDP adds them itself, and tc hands
// them to the kernel's helpers, which also know about skb->csum and partial checksums.

import { ETH_HLEN, IPPROTO_TCP, Ipv4Hdr, TCP_CSUM_OFF, TcpHdr, UDP_CSUM_OFF, UdpHdr } from '../headers.ts';
import { FRAG_LATER } from './constants.ts';
import { Flow4, l4Offset } from './flow.ts';

/** The new source and destination, all four given (no branches on what to keep). */
export interface Nat4 {
  saddr: be32;
  daddr: be32;
  sport: be16;
  dport: be16;
}

/** Rewrites the packet `f` describes as `to` says, fixing the checksums; 0, or -1 if cut short. */
export function nat4(ctx: XdpMd | SkBuff, f: Flow4, to: Nat4): i32 {
  const ip = ctx.header<Ipv4Hdr>(ETH_HLEN);
  if (!ip) return -1;
  const oldSaddr = f.saddr;
  const oldDaddr = f.daddr;
  const saddr = to.saddr;
  const daddr = to.daddr;
  ip.saddr = saddr;
  ip.daddr = daddr;
  const sport = to.sport;
  const dport = to.dport;
  // The changes as ones'-complement differences (RFC 1624), summed once: the addresses' goes
  // into the IP header's checksum and, through the pseudo header, into the TCP/UDP one.
  const addrs = foldSum(u64(~ntohl(oldSaddr)) + u64(ntohl(saddr)) + u64(~ntohl(oldDaddr)) + u64(ntohl(daddr)));
  if (f.fragment !== FRAG_LATER) {
    const l4 = l4Offset(f);
    if (f.protocol === IPPROTO_TCP) {
      const tcp = ctx.header<TcpHdr>(l4);
      if (!tcp) return -1;
      tcp.source = sport;
      tcp.dest = dport;
      if (isXdp(ctx)) tcp.check = addToCheck(tcp.check, addrs + portsDiff(f, sport, dport));
      else checksumsTc4(ctx, l4 + TCP_CSUM_OFF, f, sport, dport, addrs, false);
    } else {
      const udp = ctx.header<UdpHdr>(l4);
      if (!udp) return -1;
      udp.source = sport;
      udp.dest = dport;
      if (isXdp(ctx)) {
        // 0: the sender computed no checksum, and none is made up; a computed 0 is sent as 0xffff.
        if (udp.check !== be16(0)) {
          const check = addToCheck(udp.check, addrs + portsDiff(f, sport, dport));
          udp.check = check === be16(0) ? htons(0xffff) : check;
        }
      } else checksumsTc4(ctx, l4 + UDP_CSUM_OFF, f, sport, dport, addrs, true);
    }
  }
  // The IP header's checksum covers the header alone, and no skb state follows it (the helpers'
  // l3 form is this arithmetic too): written directly, on tc as on XDP.
  const ip2 = ctx.header<Ipv4Hdr>(ETH_HLEN);
  if (!ip2) return -1;
  ip2.check = addToCheck(ip2.check, addrs);
  f.saddr = saddr;
  f.daddr = daddr;
  f.sport = sport;
  f.dport = dport;
  return 0;
}

/**
 * tc: the kernel's helpers, which also keep a CHECKSUM_PARTIAL skb right (its checksum field then
 * holds only the pseudo header's sum, and port changes must leave it alone) and skb->csum of a
 * CHECKSUM_COMPLETE one. Each change is summed here (RFC 1624) and handed over in the helpers'
 * size-0 form: one call for the ports and one for the addresses in the pseudo header (nat4 makes
 * the third, for the IP header), instead of one call per changed field.
 * @inline
 */
function checksumsTc4(ctx: SkBuff, off: u16, f: Flow4, sport: be16, dport: be16, addrs: u64, udp: bool): void {
  const mangled: u64 = udp ? BPF_F_MARK_MANGLED_0 : 0;
  bpf_l4_csum_replace(ctx, u32(off), 0, forHelpers(portsDiff(f, sport, dport)), mangled);
  bpf_l4_csum_replace(ctx, u32(off), 0, forHelpers(addrs), BPF_F_PSEUDO_HDR | mangled);
}

/**
 * The ports' change as a ones'-complement difference (host order, 16 bits).
 * @inline
 */
function portsDiff(f: Flow4, sport: be16, dport: be16): u64 {
  return foldSum(u64(~ntohs(f.sport)) + u64(ntohs(sport)) + u64(~ntohs(f.dport)) + u64(ntohs(dport)));
}

/**
 * A sum of host-order 16- and 32-bit values folded to 16 bits, ones'-complement (its carries
 * wrap around: 2^16 counts as 1).
 * @inline
 */
function foldSum(sum: u64): u64 {
  let s = (sum & 0xffff) + (sum >> 16);
  s = (s & 0xffff) + (s >> 16);
  return (s & 0xffff) + (s >> 16);
}

/**
 * A checksum field with a difference (host order, up to 17 bits) added: RFC 1624's
 * HC' = ~(~HC + m' + ~m), the m's already summed in `diff`.
 * @inline
 */
function addToCheck(check: be16, diff: u64): be16 {
  return htons(~u16(foldSum(u64(~ntohs(check)) + diff)));
}

/**
 * A difference as the kernel's checksum helpers take it in their size-0 form: a sum in the byte
 * order they read from memory.
 * @inline
 */
function forHelpers(diff: u64): u64 {
  return u64(bswap16(u16(diff)));
}

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
  // The TTL is the high byte of its 16-bit word: one less there is a difference of ~w + (w - 0x100),
  // 0xfeff whatever the word.
  ip.check = addToCheck(ip.check, 0xfeff);
  return 0;
}
