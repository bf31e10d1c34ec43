// IPv6 parsing for the north-south path: the 5-tuple of TCP and UDP directly behind the IPv6
// header, or behind the DSR Destination Options header this path writes itself. Packets with
// any other extension header (hop-by-hop, routing, fragments, other destination options), ICMPv6
// and other protocols are the kernel stack's to handle.

import { ETH_HLEN, IPPROTO_TCP, IPPROTO_UDP, Ipv6Hdr, TcpHdr, UdpHdr } from '../headers.ts';
import { DSR_OPT6_LEN, DSR_OPT6_TYPE, IPPROTO_DSTOPTS, PARSE_OK, PARSE_PASS } from './constants.ts';
import { DsrExt6 } from './dsr6.ts';
import { Flow6, l4Offset6 } from './flow.ts';

export function parse6(ctx: XdpMd | SkBuff, f: Flow6): i32 {
  const ip = ctx.header<Ipv6Hdr>(ETH_HLEN);
  if (!ip) return PARSE_PASS;
  if ((ntohl(ip.vtc_flow) >> 28) !== 6) return PARSE_PASS;
  for (let i = 0; i < 4; i++) {
    f.saddr[i] = ip.saddr[i];
    f.daddr[i] = ip.daddr[i];
  }
  f.tcpFlags = 0;
  f.ext = 0;
  let proto = ip.nexthdr;
  if (proto === IPPROTO_DSTOPTS) {
    const ext = ctx.header<DsrExt6>(ETH_HLEN + 40);
    if (!ext || ext.hdrlen !== 2 || ext.type !== DSR_OPT6_TYPE || ext.len !== DSR_OPT6_LEN) return PARSE_PASS;
    f.ext = 24;
    proto = ext.nexthdr;
  }
  if (proto !== IPPROTO_TCP && proto !== IPPROTO_UDP) return PARSE_PASS;
  f.protocol = proto;
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
  return PARSE_OK;
}
