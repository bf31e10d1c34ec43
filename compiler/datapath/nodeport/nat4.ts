// IPv4 address and port translation with every checksum kept right: the IP header's, and the
// TCP/UDP checksum, which covers the ports and, through the pseudo header, both addresses. A
// later fragment has no L4 header: only its addresses change (the first fragment's L4 checksum
// already accounts for them). XDP folds every change into each checksum in one branch-free
// chain of RFC 1624 updates; tc uses the kernel's helpers, which also know about skb->csum and
// partial checksums.

import { ETH_HLEN, IPPROTO_TCP, IPV4_CSUM_OFF, Ipv4Hdr, TCP_CSUM_OFF, TcpHdr, UDP_CSUM_OFF, UdpHdr } from '../headers.ts';
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
  if (f.fragment !== FRAG_LATER) {
    const l4 = l4Offset(f);
    if (f.protocol === IPPROTO_TCP) {
      const tcp = ctx.header<TcpHdr>(l4);
      if (!tcp) return -1;
      tcp.source = sport;
      tcp.dest = dport;
      if (isXdp(ctx)) tcp.check = csumReplace(csumReplace(csumReplace(csumReplace(tcp.check, f.sport, sport), f.dport, dport), oldSaddr, saddr), oldDaddr, daddr);
      else tcpChecksumTc(ctx, l4 + TCP_CSUM_OFF, f, sport, dport, oldSaddr, saddr, oldDaddr, daddr);
    } else {
      const udp = ctx.header<UdpHdr>(l4);
      if (!udp) return -1;
      udp.source = sport;
      udp.dest = dport;
      if (isXdp(ctx)) {
        // 0: the sender computed no checksum, and none is made up; a computed 0 is sent as 0xffff.
        if (udp.check !== be16(0)) {
          const check = csumReplace(csumReplace(csumReplace(csumReplace(udp.check, f.sport, sport), f.dport, dport), oldSaddr, saddr), oldDaddr, daddr);
          udp.check = check === be16(0) ? htons(0xffff) : check;
        }
      } else udpChecksumTc(ctx, l4 + UDP_CSUM_OFF, f, sport, dport, oldSaddr, saddr, oldDaddr, daddr);
    }
  }
  if (isXdp(ctx)) {
    const ip2 = ctx.header<Ipv4Hdr>(ETH_HLEN);
    if (!ip2) return -1;
    ip2.check = csumReplace(csumReplace(ip2.check, oldSaddr, saddr), oldDaddr, daddr);
  } else {
    if (saddr !== oldSaddr) ctx.l3CsumReplace(ETH_HLEN + IPV4_CSUM_OFF, oldSaddr, saddr, 4);
    if (daddr !== oldDaddr) ctx.l3CsumReplace(ETH_HLEN + IPV4_CSUM_OFF, oldDaddr, daddr, 4);
  }
  f.saddr = saddr;
  f.daddr = daddr;
  f.sport = sport;
  f.dport = dport;
  return 0;
}

/**
 * tc: the kernel's helpers, which also keep a CHECKSUM_PARTIAL skb right (its checksum field then
 * holds only the pseudo header's sum, and port changes must leave it alone); only what changed is
 * folded in, as each update is a helper call.
 */
function tcpChecksumTc(ctx: SkBuff, off: u16, f: Flow4, sport: be16, dport: be16, oldSaddr: be32, saddr: be32, oldDaddr: be32, daddr: be32): void {
  if (sport !== f.sport) ctx.l4CsumReplace(off, f.sport, sport, 2);
  if (dport !== f.dport) ctx.l4CsumReplace(off, f.dport, dport, 2);
  if (saddr !== oldSaddr) ctx.l4CsumReplace(off, oldSaddr, saddr, BPF_F_PSEUDO_HDR | 4);
  if (daddr !== oldDaddr) ctx.l4CsumReplace(off, oldDaddr, daddr, BPF_F_PSEUDO_HDR | 4);
}

function udpChecksumTc(ctx: SkBuff, off: u16, f: Flow4, sport: be16, dport: be16, oldSaddr: be32, saddr: be32, oldDaddr: be32, daddr: be32): void {
  if (sport !== f.sport) ctx.l4CsumReplace(off, f.sport, sport, BPF_F_MARK_MANGLED_0 | 2);
  if (dport !== f.dport) ctx.l4CsumReplace(off, f.dport, dport, BPF_F_MARK_MANGLED_0 | 2);
  if (saddr !== oldSaddr) ctx.l4CsumReplace(off, oldSaddr, saddr, BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0 | 4);
  if (daddr !== oldDaddr) ctx.l4CsumReplace(off, oldDaddr, daddr, BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0 | 4);
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
  const proto = u16(ip.protocol);
  ip.ttl = ttl - 1;
  ctx.l3CsumReplace(ETH_HLEN + IPV4_CSUM_OFF, htons(u16(ttl) << 8 | proto), htons(u16(ttl - 1) << 8 | proto), 2);
  return 0;
}
