// IPv6 parsing for the north-south path: the 5-tuple of TCP and UDP behind the extension header
// chain (ext6.ts), with the ports of a later fragment taken from the fragment map (its first
// fragment recorded them), and whether the first extension header is the DSR Destination
// Options header this path writes. ICMPv6 is told apart (PARSE_ICMP: icmp-error6.ts looks for
// errors about translated flows); other protocols, short packets, chains too long to walk and
// fragments whose first part was not seen are the kernel stack's to handle.

import { ETH_HLEN, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP, Ipv6Hdr, TcpHdr, UdpHdr } from '../headers.ts';
import { DSR_OPT6_LEN, DSR_OPT6_TYPE, FRAG_FIRST, FRAG_LATER, FRAG_NONE, IPPROTO_DSTOPTS, PARSE_ICMP, PARSE_OK, PARSE_PASS } from './constants.ts';
import { DsrExt6 } from './dsr6.ts';
import { Ext6Walk, walkExt6 } from './ext6.ts';
import { Flow6, frag6_key, l4Offset6 } from './flow.ts';
import { frag6 } from './maps.ts';

/**
 * Inlined: it is on every packet's path (a BPF-to-BPF call costs a packet about 6 ns), and with
 * ingress and newIngress both calling it, the compiler would otherwise make it a subprogram.
 * @inline
 */
export function parse6(ctx: XdpMd | SkBuff, f: Flow6): i32 {
  const ip = ctx.header<Ipv6Hdr>(ETH_HLEN);
  if (!ip) return PARSE_PASS;
  if ((ntohl(ip.vtc_flow) >> 28) !== 6) return PARSE_PASS;
  // Value copies: 64-bit moves (the addresses are 8-byte aligned in the packet, 2 bytes into a
  // word as NET_IP_ALIGN puts it, and on the stack), where a loop over the words made 32-bit ones.
  f.saddr = ip.saddr;
  f.daddr = ip.daddr;
  f.tcpFlags = 0;
  f.ext = 0;
  f.dsr = 0;
  f.fragment = FRAG_NONE;
  let proto = ip.nexthdr;
  // The common case, TCP or UDP right behind the IPv6 header, walks nothing.
  if (proto !== IPPROTO_TCP && proto !== IPPROTO_UDP) {
    if (proto === IPPROTO_DSTOPTS) {
      const d = ctx.header<DsrExt6>(ETH_HLEN + 40);
      if (d && d.hdrlen === 2 && d.type === DSR_OPT6_TYPE && d.len === DSR_OPT6_LEN) f.dsr = 1;
    }
    const w = zeroed<Ext6Walk>();
    if (walkExt6(ctx, proto, ETH_HLEN + 40, w) !== 0) return PARSE_PASS;
    proto = w.proto;
    f.ext = w.units;
    f.fragment = w.fragment;
    f.fragId = w.fragId;
  }
  if (proto === IPPROTO_ICMPV6) return f.fragment === FRAG_NONE ? PARSE_ICMP : PARSE_PASS;
  if (proto !== IPPROTO_TCP && proto !== IPPROTO_UDP) return PARSE_PASS;
  f.protocol = proto;
  if (f.fragment === FRAG_LATER) {
    const ports = frag6.lookup(fragKey6(f));
    if (!ports) return PARSE_PASS;
    f.sport = ports.sport;
    f.dport = ports.dport;
    return PARSE_OK;
  }
  if (proto === IPPROTO_TCP) {
    const tcp = ctx.header<TcpHdr>(l4Offset6(f));
    if (!tcp) return PARSE_PASS;
    f.sport = tcp.source;
    f.dport = tcp.dest;
    f.tcpFlags = tcp.flags;
  } else {
    const udp = ctx.header<UdpHdr>(l4Offset6(f));
    if (!udp) return PARSE_PASS;
    f.sport = udp.source;
    f.dport = udp.dest;
  }
  if (f.fragment === FRAG_FIRST) frag6.update(fragKey6(f), { sport: f.sport, dport: f.dport });
  return PARSE_OK;
}

/** @inline */
function fragKey6(f: Flow6): frag6_key {
  return { saddr: [f.saddr[0], f.saddr[1], f.saddr[2], f.saddr[3]], daddr: [f.daddr[0], f.daddr[1], f.daddr[2], f.daddr[3]], id: f.fragId, protocol: f.protocol, pad: [0, 0, 0] };
}
