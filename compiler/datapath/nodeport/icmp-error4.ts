// ICMP errors about translated IPv4 flows (destination unreachable, fragmentation needed, time
// exceeded, parameter problem): the error quotes the offending packet as it was on the wire,
// translated, so it means nothing to the host that sent the packet before translation. It is
// translated back by the entry of the quoted packet's flow, the quote (addresses, ports, its IP
// and L4 checksums) and the outer header (and the ICMP checksum over all of it), so that path MTU
// discovery and connection errors work through the load balancer.
//
//   ingress, quote = a reply as it left (frontend → client): the service entry of its reverse
//            → to the backend (a client-side router's "fragmentation needed" for the server)
//   ingress, quote = a SNAT packet (node:port → backend): the reply entry of its reverse
//            → to the client (the backend's port unreachable, a router's time exceeded)
//   egress,  quote = a packet delivered to a local or DSR backend: the reply entry (EGRESS)
//            → leaves towards the client from the frontend
//
// The outer source is the frontend's side only when the error comes from the quoted packet's
// destination itself (the backend, the client); a router's address on the way is kept.

import { ETH_HLEN, IPPROTO_TCP, IPPROTO_UDP, IP_OFFSET, IcmpHdr, Ipv4Hdr, TcpHdr, UdpHdr } from '../headers.ts';
import { ct4, ct4_key, ct4_value } from '../lb/index.ts';
import { CT_EGRESS, CT_LOCAL, CT_REPLY, CT_SERVICE, CT_SNAT, ICMP_DEST_UNREACH, ICMP_PARAMETERPROB, ICMP_TIME_EXCEEDED } from './constants.ts';
import { canSend, drop, emit4, pass, route4 } from './context.ts';
import { Flow4, l4Offset } from './flow.ts';
import { decrementTtl4, Nat4 } from './nat4.ts';

/** The packet an ICMP error quotes: its 5-tuple as sent, and its header length in words. */
interface Quote4 {
  saddr: be32;
  daddr: be32;
  sport: be16;
  dport: be16;
  protocol: u8;
  ihl: u8;
  pad: u16;
}

/** The error's own (outer) addresses after translation. */
interface Outer4 {
  saddr: be32;
  daddr: be32;
}

/**
 * An ICMP error at ingress (ingress4 parsed it as PARSE_ICMP): translated back and sent on like
 * the flow's packets, or passed to the stack untouched when it quotes no translated flow.
 * @noinline
 */
export function icmpIngress4(ctx: XdpMd | SkBuff): i32 {
  const f = zeroed<Flow4>();
  if (readOuter4(ctx, f) !== 0) return pass(ctx);
  const q = zeroed<Quote4>();
  if (readQuote4(ctx, f, q) !== 0) return pass(ctx);
  const now = bpf_jiffies64();
  const key: ct4_key = { saddr: q.daddr, daddr: q.saddr, sport: q.dport, dport: q.sport, protocol: q.protocol, flags: CT_SERVICE, pad: 0 };
  let e = liveEntry4(key, now);
  if (!e) {
    key.flags = CT_REPLY;
    e = liveEntry4(key, now);
    // Replies translated here are SNAT ones; local and DSR backends' go out through egress.
    if (!e || (e.flags & (CT_SNAT | CT_EGRESS)) !== CT_SNAT) return pass(ctx);
  }
  const to: Nat4 = { saddr: e.dst_addr, daddr: e.src_addr, sport: e.dst_port, dport: e.src_port };
  const outer: Outer4 = { saddr: f.saddr === q.daddr ? e.src_addr : f.saddr, daddr: e.dst_addr };
  const local = (e.flags & CT_LOCAL) !== 0;
  const fib = zeroed<BpfFibLookup>();
  const rc = route4(ctx, fib, outer.saddr, outer.daddr, local);
  if (!canSend(ctx, rc)) return pass(ctx);
  if (rewriteIcmp4(ctx, f, q, to, outer) !== 0) return drop(ctx);
  if (!local && decrementTtl4(ctx) !== 0) return drop(ctx);
  return emit4(ctx, fib, rc, local);
}

/**
 * An ICMP error leaving the node (tc egress): from a local or DSR backend about a packet it was
 * delivered, given the frontend in place of the backend.
 * @noinline
 */
export function icmpEgress4(ctx: SkBuff, f: Flow4): i32 {
  const q = zeroed<Quote4>();
  if (readQuote4(ctx, f, q) !== 0) return TC_ACT_OK;
  const now = bpf_jiffies64();
  const e = liveEntry4({ saddr: q.daddr, daddr: q.saddr, sport: q.dport, dport: q.sport, protocol: q.protocol, flags: CT_REPLY, pad: 0 }, now);
  if (!e || (e.flags & CT_EGRESS) === 0) return TC_ACT_OK;
  const to: Nat4 = { saddr: e.dst_addr, daddr: e.src_addr, sport: e.dst_port, dport: e.src_port };
  const outer: Outer4 = { saddr: f.saddr === q.daddr ? e.src_addr : f.saddr, daddr: e.dst_addr };
  rewriteIcmp4(ctx, f, q, to, outer);
  return TC_ACT_OK;
}

/** The outer header's addresses and length, which ingress4 checked before answering VERDICT_ICMP. */
function readOuter4(ctx: XdpMd | SkBuff, f: Flow4): i32 {
  const ip = ctx.header<Ipv4Hdr>(ETH_HLEN);
  if (!ip) return -1;
  const ihl = ip.version_ihl & 0x0f;
  if (ihl < 5) return -1;
  f.saddr = ip.saddr;
  f.daddr = ip.daddr;
  f.ihl = ihl;
  return 0;
}

/** @inline */
function liveEntry4(key: ct4_key, now: u64): ct4_value | null {
  const e = ct4.lookup(key);
  if (!e || e.lifetime < now) return null;
  return e;
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
function readQuote4(ctx: XdpMd | SkBuff, f: Flow4, q: Quote4): i32 {
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
function rewriteIcmp4(ctx: XdpMd | SkBuff, f: Flow4, q: Quote4, to: Nat4, outer: Outer4): i32 {
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
