// ICMPv6 errors about translated IPv6 flows (destination unreachable, packet too big, time
// exceeded, parameter problem): icmp-error4.ts's paths with 128-bit addresses. The quoted packet
// is translated back by the entry of its flow (the service entry when it quotes a reply as it
// left, the reply entry of a SNAT flow when it quotes what this node sent to a backend, at egress
// the reply entry of a local or DSR backend), its extension headers walked (a DSR header among
// them), and the outer header sent to the other side. The ICMPv6 checksum covers a pseudo header
// of the outer addresses as well as the quote, so both changes are folded into it.

import { ETH_HLEN, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP, Ipv6Hdr, TcpHdr, UdpHdr } from '../headers.ts';
import { ct6, ct6_key, ct6_value } from '../lb/index.ts';
import {
  CT_EGRESS, CT_LOCAL, CT_REPLY, CT_SERVICE, CT_SNAT, FRAG_LATER, FRAG_NONE, ICMPV6_DEST_UNREACH, ICMPV6_PARAMPROB, ICMPV6_PKT_TOOBIG, ICMPV6_TIME_EXCEED,
} from './constants.ts';
import { canSend, drop, emit6, pass, route6 } from './context.ts';
import { Ext6Walk, walkExt6 } from './ext6.ts';
import { Flow6, l4Offset6 } from './flow.ts';
import { decrementHopLimit6, Nat6 } from './nat6.ts';

/** ICMPv6's first 8 bytes: type, code, checksum, then the MTU, pointer or nothing. */
interface Icmp6Hdr {
  type: u8;
  code: u8;
  checksum: be16;
  rest: be32;
}

/** The packet an ICMPv6 error quotes: its 5-tuple as sent, and its extension headers' length. */
interface Quote6 {
  saddr: FixedArray<be32, 4>;
  daddr: FixedArray<be32, 4>;
  sport: be16;
  dport: be16;
  protocol: u8;
  /** Extension headers behind the quoted IPv6 header, in 8-byte units. */
  ext: u8;
  pad: u16;
}

/**
 * An ICMPv6 error at ingress (ingress6 parsed it as PARSE_ICMP): translated back and sent on,
 * or passed to the stack untouched when it quotes no translated flow.
 * @noinline
 */
export function icmpIngress6(ctx: XdpMd | SkBuff): i32 {
  const f = zeroed<Flow6>();
  if (readOuter6(ctx, f) !== 0) return pass(ctx);
  const q = zeroed<Quote6>();
  if (readQuote6(ctx, f, q) !== 0) return pass(ctx);
  const now = bpf_jiffies64();
  const key = reversedKey6(q, CT_SERVICE);
  let e = liveEntry6(key, now);
  if (!e) {
    key.flags = CT_REPLY;
    e = liveEntry6(key, now);
    if (!e || (e.flags & (CT_SNAT | CT_EGRESS)) !== CT_SNAT) return pass(ctx);
  }
  const to = zeroed<Nat6>();
  const outer = zeroed<Nat6>();
  translation6(f, q, e, to, outer);
  const local = (e.flags & CT_LOCAL) !== 0;
  const fib = zeroed<BpfFibLookup>();
  const rc = route6(ctx, fib, outer.saddr, outer.daddr, local);
  if (!canSend(ctx, rc)) return pass(ctx);
  if (rewriteIcmp6(ctx, f, q, to, outer) !== 0) return drop(ctx);
  if (!local && decrementHopLimit6(ctx) !== 0) return drop(ctx);
  return emit6(ctx, fib, rc, local);
}

/**
 * An ICMPv6 error leaving the node (tc egress) from a local or DSR backend, given the frontend
 * in place of the backend.
 * @noinline
 */
export function icmpEgress6(ctx: SkBuff, f: Flow6): i32 {
  const q = zeroed<Quote6>();
  if (readQuote6(ctx, f, q) !== 0) return TC_ACT_OK;
  const e = liveEntry6(reversedKey6(q, CT_REPLY), bpf_jiffies64());
  if (!e || (e.flags & CT_EGRESS) === 0) return TC_ACT_OK;
  const to = zeroed<Nat6>();
  const outer = zeroed<Nat6>();
  translation6(f, q, e, to, outer);
  rewriteIcmp6(ctx, f, q, to, outer);
  return TC_ACT_OK;
}

/** The outer addresses and extension headers, which ingress6 walked before answering VERDICT_ICMP. */
function readOuter6(ctx: XdpMd | SkBuff, f: Flow6): i32 {
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

/** The key of the flow whose packet `q` reverses (the quote travelled the other way). */
function reversedKey6(q: Quote6, dir: u8): ct6_key {
  const key: ct6_key = { ...zeroed<ct6_key>(), sport: q.dport, dport: q.sport, protocol: q.protocol, flags: dir };
  copy(key.saddr, q.daddr);
  copy(key.daddr, q.saddr);
  return key;
}

/** @inline */
function liveEntry6(key: ct6_key, now: u64): ct6_value | null {
  const e = ct6.lookup(key);
  if (!e || e.lifetime < now) return null;
  return e;
}

/**
 * What entry `e` makes of the quote (`to`: as the other side sent it) and of the error's own
 * addresses (`outer`: to the other side; from the frontend's side when the quoted packet's
 * destination itself complained, a router's address kept).
 */
function translation6(f: Flow6, q: Quote6, e: ct6_value, to: Nat6, outer: Nat6): void {
  copy(to.saddr, e.dst_addr);
  copy(to.daddr, e.src_addr);
  to.sport = e.dst_port;
  to.dport = e.src_port;
  copy(outer.daddr, e.dst_addr);
  if (equal(f.saddr, q.daddr)) copy(outer.saddr, e.src_addr);
  else copy(outer.saddr, f.saddr);
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
function readQuote6(ctx: XdpMd | SkBuff, f: Flow6, q: Quote6): i32 {
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
function rewriteIcmp6(ctx: XdpMd | SkBuff, f: Flow6, q: Quote6, to: Nat6, outer: Nat6): i32 {
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
