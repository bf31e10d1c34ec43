// IPv4's leaves of the ICMP error path (icmp-error.ts): reading the outer header and the quote,
// and rewriting the message with every checksum: the quote's IP header checksum and L4
// checksum, the ICMP checksum over the changed words, the outer IP header checksum.

import { ETH_HLEN, IPPROTO_TCP, IPPROTO_UDP, IP_OFFSET, IcmpHdr, Ipv4Hdr, TcpHdr, UdpHdr } from '../headers.ts';
import { ct4_value } from '../lb/index.ts';
import { ICMP_DEST_UNREACH, ICMP_PARAMETERPROB, ICMP_TIME_EXCEEDED } from './constants.ts';
import { Flow4, l4Offset } from './flow.ts';
import { Nat4 } from './nat4.ts';

/** The packet an ICMP error quotes: its 5-tuple as sent, and its header length in words. */
export interface Quote4 {
  saddr: be32;
  daddr: be32;
  sport: be16;
  dport: be16;
  protocol: u8;
  ihl: u8;
  pad: u16;
}

/** The error's own (outer) addresses after translation. */
export interface Outer4 {
  saddr: be32;
  daddr: be32;
}

/**
 * The error's outer source after translation: the frontend's side when the quoted packet's
 * destination itself complained, a router's address kept.
 * @inline
 */
export function outerSource4(f: Flow4, q: Quote4, e: ct4_value): be32 {
  // As a value first: \`return c ? a : b\` would branch to two returns (lower-stmt.ts).
  const saddr = f.saddr === q.daddr ? e.src_addr : f.saddr;
  return saddr;
}

/** The outer header's addresses and length, which ingress checked before answering VERDICT_ICMP. */
export function readOuter4(ctx: XdpMd | SkBuff, f: Flow4): i32 {
  const ip = ctx.header<Ipv4Hdr>(ETH_HLEN);
  if (!ip) return -1;
  const ihl = ip.version_ihl & 0x0f;
  if (ihl < 5) return -1;
  f.saddr = ip.saddr;
  f.daddr = ip.daddr;
  f.ihl = ihl;
  return 0;
}

/** The ICMP error after the outer header (at the L4 offset the flow holds). */
function quotedIpOffset(f: Flow4): u16 {
  return l4Offset(f) + 8;
}

/** The quoted packet's L4 header: behind its own IPv4 header and options. */
function quotedL4Offset(f: Flow4, q: Quote4): u16 {
  return l4Offset(f) + 8 + u16(q.ihl & 0x0f) * 4;
}

/**
 * Fills `q` from an ICMP error quoting a TCP or UDP packet with its ports (RFC 792 quotes 8
 * bytes of L4 at least); 0, or -1 for anything else. The error must go back to the quoted
 * packet's sender, as every genuine one does.
 */
export function readQuote4(ctx: XdpMd | SkBuff, f: Flow4, q: Quote4): i32 {
  const icmp = ctx.header<IcmpHdr>(l4Offset(f));
  if (!icmp) return -1;
  const type = icmp.type;
  if (type !== ICMP_DEST_UNREACH && type !== ICMP_TIME_EXCEEDED && type !== ICMP_PARAMETERPROB) return -1;
  const inner = ctx.header<Ipv4Hdr>(quotedIpOffset(f));
  if (!inner) return -1;
  const vihl = inner.version_ihl;
  if (vihl >> 4 !== 4 || (vihl & 0x0f) < 5) return -1;
  const proto = inner.protocol;
  if (proto !== IPPROTO_TCP && proto !== IPPROTO_UDP) return -1;
  // A later fragment quotes no ports.
  if ((ntohs(inner.frag_off) & IP_OFFSET) !== 0) return -1;
  q.saddr = inner.saddr;
  q.daddr = inner.daddr;
  q.protocol = proto;
  q.ihl = vihl & 0x0f;
  if (q.saddr !== f.daddr) return -1;
  const ports = ctx.header<UdpHdr>(quotedL4Offset(f, q));
  if (!ports) return -1;
  q.sport = ports.source;
  q.dport = ports.dest;
  return 0;
}

/**
 * Rewrites the quote as `to` says and the outer addresses as `outer` says, with every checksum
 * updated by RFC 1624 steps (the same code on both hooks: an ICMP checksum is never partial, and
 * each checksummed region keeps its sum, so skb->csum stays right): the quote's IP checksum, its
 * L4 checksum where the quote holds it (UDP: when not 0; TCP: when its whole header is quoted), the ICMP
 * checksum for every word that changed inside it, and the outer IP checksum. 0, or -1.
 */
export function rewriteIcmp4(ctx: XdpMd | SkBuff, f: Flow4, q: Quote4, to: Nat4, outer: Outer4): i32 {
  const icmp = ctx.header<IcmpHdr>(l4Offset(f));
  const inner = ctx.header<Ipv4Hdr>(quotedIpOffset(f));
  if (!icmp || !inner) return -1;
  const oldIpCheck = inner.check;
  const ipCheck = csumReplace(csumReplace(oldIpCheck, q.saddr, to.saddr), q.daddr, to.daddr);
  inner.saddr = to.saddr;
  inner.daddr = to.daddr;
  inner.check = ipCheck;
  let c = csumReplace(csumReplace(csumReplace(icmp.checksum, q.saddr, to.saddr), q.daddr, to.daddr), oldIpCheck, ipCheck);
  const l4 = quotedL4Offset(f, q);
  const ports = ctx.header<UdpHdr>(l4);
  if (!ports) return -1;
  ports.source = to.sport;
  ports.dest = to.dport;
  c = csumReplace(csumReplace(c, q.sport, to.sport), q.dport, to.dport);
  if (q.protocol === IPPROTO_UDP) {
    const old = ports.check;
    if (old !== be16(0)) {
      let check = quotedL4Check(old, q, to);
      if (check === be16(0)) check = htons(0xffff);
      ports.check = check;
      c = csumReplace(c, old, check);
    }
  } else {
    const tcp = ctx.header<TcpHdr>(l4);
    if (tcp) {
      const old = tcp.check;
      const check = quotedL4Check(old, q, to);
      tcp.check = check;
      c = csumReplace(c, old, check);
    }
  }
  icmp.checksum = c;
  const ip = ctx.header<Ipv4Hdr>(ETH_HLEN);
  if (!ip) return -1;
  ip.check = csumReplace(csumReplace(ip.check, f.saddr, outer.saddr), f.daddr, outer.daddr);
  ip.saddr = outer.saddr;
  ip.daddr = outer.daddr;
  return 0;
}

/** The quoted TCP/UDP checksum after its ports and (pseudo header) addresses changed. */
function quotedL4Check(check: be16, q: Quote4, to: Nat4): be16 {
  return csumReplace(csumReplace(csumReplace(csumReplace(check, q.sport, to.sport), q.dport, to.dport), q.saddr, to.saddr), q.daddr, to.daddr);
}
