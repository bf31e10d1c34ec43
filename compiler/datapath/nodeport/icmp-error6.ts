// IPv6's leaves of the ICMP error path (icmp-error.ts): reading the outer header (past its
// extension headers) and the quote, and rewriting the message: the quote's L4 checksum, and the
// ICMPv6 checksum for every word that changed in the message and in its pseudo header (no IP
// header checksum in IPv6).

import { ETH_HLEN, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP, Ipv6Hdr, TcpHdr, UdpHdr } from '../headers.ts';
import { ct6_value } from '../lb/index.ts';
import { FRAG_LATER, FRAG_NONE, ICMPV6_DEST_UNREACH, ICMPV6_PARAMPROB, ICMPV6_PKT_TOOBIG, ICMPV6_TIME_EXCEED } from './constants.ts';
import { Ext6Walk, walkExt6 } from './ext6.ts';
import { Flow6, l4Offset6 } from './flow.ts';
import { Nat6 } from './nat6.ts';

/** ICMPv6's first 8 bytes: type, code, checksum, then the MTU, pointer or nothing. */
interface Icmp6Hdr {
  type: u8;
  code: u8;
  checksum: be16;
  rest: be32;
}

/** The packet an ICMPv6 error quotes: its 5-tuple as sent, and its extension headers' length. */
export interface Quote6 {
  saddr: FixedArray<be32, 4>;
  daddr: FixedArray<be32, 4>;
  sport: be16;
  dport: be16;
  protocol: u8;
  /** Extension headers behind the quoted IPv6 header, in 8-byte units. */
  ext: u8;
  pad: u16;
}

/** The error's own (outer) addresses after translation. */
export interface Outer6 {
  saddr: FixedArray<be32, 4>;
  daddr: FixedArray<be32, 4>;
}

/**
 * The error's outer source after translation: the frontend's side when the quoted packet's
 * destination itself complained, a router's address kept.
 * @inline
 */
export function outerSource6(f: Flow6, q: Quote6, e: ct6_value): FixedArray<be32, 4> {
  if (equal(f.saddr, q.daddr)) return e.src_addr;
  return f.saddr;
}

/** The outer addresses and extension headers, which ingress walked before answering VERDICT_ICMP. */
export function readOuter6(ctx: XdpMd | SkBuff, f: Flow6): i32 {
  const ip = ctx.header<Ipv6Hdr>(ETH_HLEN);
  if (!ip) return -1;
  copy(f.saddr, ip.saddr);
  copy(f.daddr, ip.daddr);
  const next = ip.nexthdr;
  if (next === IPPROTO_ICMPV6) return 0;
  const w = zeroed<Ext6Walk>();
  if (walkExt6(ctx, next, ETH_HLEN + 40, w) !== 0 || w.proto !== IPPROTO_ICMPV6 || w.fragment !== FRAG_NONE) return -1;
  f.ext = w.units;
  return 0;
}

/** The ICMPv6 header: behind the outer extension headers. */
function icmpOffset6(f: Flow6): u16 {
  return l4Offset6(f);
}

/** The quoted packet's L4 header: behind its IPv6 header and extension headers. */
function quotedL4Offset6(f: Flow6, q: Quote6): u16 {
  return l4Offset6(f) + 48 + u16(q.ext) * 8;
}

/**
 * Fills `q` from an ICMPv6 error quoting a TCP or UDP packet with its ports; 0, or -1. The
 * error must go back to the quoted packet's sender.
 */
export function readQuote6(ctx: XdpMd | SkBuff, f: Flow6, q: Quote6): i32 {
  const icmp = ctx.header<Icmp6Hdr>(icmpOffset6(f));
  if (!icmp) return -1;
  const type = icmp.type;
  if (type !== ICMPV6_DEST_UNREACH && type !== ICMPV6_PKT_TOOBIG && type !== ICMPV6_TIME_EXCEED && type !== ICMPV6_PARAMPROB) return -1;
  const inner = ctx.header<Ipv6Hdr>(icmpOffset6(f) + 8);
  if (!inner) return -1;
  if ((ntohl(inner.vtc_flow) >> 28) !== 6) return -1;
  copy(q.saddr, inner.saddr);
  copy(q.daddr, inner.daddr);
  if (!equal(q.saddr, f.daddr)) return -1;
  let proto = inner.nexthdr;
  if (proto !== IPPROTO_TCP && proto !== IPPROTO_UDP) {
    const w = zeroed<Ext6Walk>();
    // A quoted later fragment has no ports.
    if (walkExt6(ctx, proto, icmpOffset6(f) + 48, w) !== 0 || w.fragment === FRAG_LATER) return -1;
    proto = w.proto;
    q.ext = w.units;
  }
  if (proto !== IPPROTO_TCP && proto !== IPPROTO_UDP) return -1;
  q.protocol = proto;
  const ports = ctx.header<UdpHdr>(quotedL4Offset6(f, q));
  if (!ports) return -1;
  q.sport = ports.source;
  q.dport = ports.dest;
  return 0;
}

/**
 * Rewrites the quote as `to` says and the outer addresses as `outer` says: the quote's L4
 * checksum where the quote holds it (UDP when not 0, TCP when its whole header is), and the
 * ICMPv6 checksum for every word that changed in the message and in its pseudo header, by
 * RFC 1624 steps (the same on both hooks: ICMPv6 checksums are never partial, and the packet's
 * ones'-complement sum is unchanged, so skb->csum stays right). 0, or -1.
 */
export function rewriteIcmp6(ctx: XdpMd | SkBuff, f: Flow6, q: Quote6, to: Nat6, outer: Outer6): i32 {
  const icmp = ctx.header<Icmp6Hdr>(icmpOffset6(f));
  const inner = ctx.header<Ipv6Hdr>(icmpOffset6(f) + 8);
  const ports = ctx.header<UdpHdr>(quotedL4Offset6(f, q));
  if (!icmp || !inner || !ports) return -1;
  let c = icmp.checksum;
  for (let i = 0; i < 4; i++) {
    c = csumReplace(csumReplace(c, q.saddr[i], to.saddr[i]), q.daddr[i], to.daddr[i]);
    inner.saddr[i] = to.saddr[i];
    inner.daddr[i] = to.daddr[i];
  }
  ports.source = to.sport;
  ports.dest = to.dport;
  c = csumReplace(csumReplace(c, q.sport, to.sport), q.dport, to.dport);
  if (q.protocol === IPPROTO_UDP) {
    const old = ports.check;
    if (old !== be16(0)) {
      let check = quotedL4Check6(old, q, to);
      if (check === be16(0)) check = htons(0xffff);
      ports.check = check;
      c = csumReplace(c, old, check);
    }
  } else {
    const tcp = ctx.header<TcpHdr>(quotedL4Offset6(f, q));
    if (tcp) {
      const old = tcp.check;
      const check = quotedL4Check6(old, q, to);
      tcp.check = check;
      c = csumReplace(c, old, check);
    }
  }
  const ip = ctx.header<Ipv6Hdr>(ETH_HLEN);
  if (!ip) return -1;
  for (let i = 0; i < 4; i++) {
    c = csumReplace(csumReplace(c, f.saddr[i], outer.saddr[i]), f.daddr[i], outer.daddr[i]);
    ip.saddr[i] = outer.saddr[i];
    ip.daddr[i] = outer.daddr[i];
  }
  icmp.checksum = c;
  return 0;
}

/** The quoted TCP/UDP checksum after its ports and (pseudo header) addresses changed. */
function quotedL4Check6(check: be16, q: Quote6, to: Nat6): be16 {
  let c = csumReplace(csumReplace(check, q.sport, to.sport), q.dport, to.dport);
  for (let i = 0; i < 4; i++) c = csumReplace(csumReplace(c, q.saddr[i], to.saddr[i]), q.daddr[i], to.daddr[i]);
  return c;
}
