// IPv4 parsing for the north-south path: the 5-tuple of TCP and UDP, with the ports of a later
// fragment taken from the fragment map (its first fragment recorded them), and the L4 header's
// offset past any IP options. ICMP is told apart (PARSE_ICMP: icmp-error4.ts looks for errors
// about translated flows); everything else (other protocols, short or malformed packets,
// fragments whose first part was not seen) is the kernel stack's to handle.

import { ETH_HLEN, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, IP_MF, IP_OFFSET, Ipv4Hdr, TcpHdr, UdpHdr } from '../headers.ts';
import { FRAG_FIRST, FRAG_LATER, FRAG_NONE, PARSE_ICMP, PARSE_OK, PARSE_PASS } from './constants.ts';
import { Flow4 } from './flow.ts';
import { frag4 } from './maps.ts';

export function parse4(ctx: XdpMd | SkBuff, f: Flow4): i32 {
  const ip = ctx.header<Ipv4Hdr>(ETH_HLEN);
  if (!ip) return PARSE_PASS;
  const vihl = ip.version_ihl;
  const ihl = u16(vihl & 0x0f);
  if (vihl >> 4 !== 4 || ihl < 5) return PARSE_PASS;
  const proto = ip.protocol;
  if (proto !== IPPROTO_TCP && proto !== IPPROTO_UDP && proto !== IPPROTO_ICMP) return PARSE_PASS;
  f.saddr = ip.saddr;
  f.daddr = ip.daddr;
  f.protocol = proto;
  f.ipId = ip.id;
  f.ihl = u8(ihl);
  f.tcpFlags = 0;
  const l4 = ETH_HLEN + ihl * 4;
  const frag = ntohs(ip.frag_off) & (IP_MF | IP_OFFSET);
  // ICMP errors are small (576 bytes at most) and never fragmented by their senders.
  if (proto === IPPROTO_ICMP) return frag === 0 ? PARSE_ICMP : PARSE_PASS;
  if ((frag & IP_OFFSET) !== 0) {
    f.fragment = FRAG_LATER;
    const ports = frag4.lookup({ saddr: f.saddr, daddr: f.daddr, id: f.ipId, protocol: proto, pad: 0 });
    if (!ports) return PARSE_PASS;
    f.sport = ports.sport;
    f.dport = ports.dport;
    return PARSE_OK;
  }
  f.fragment = frag !== 0 ? FRAG_FIRST : FRAG_NONE;
  if (proto === IPPROTO_TCP) {
    const tcp = ctx.header<TcpHdr>(l4);
    if (!tcp) return PARSE_PASS;
    f.sport = tcp.source;
    f.dport = tcp.dest;
    f.tcpFlags = tcp.flags;
  } else {
    const udp = ctx.header<UdpHdr>(l4);
    if (!udp) return PARSE_PASS;
    f.sport = udp.source;
    f.dport = udp.dest;
  }
  if (frag !== 0) frag4.update({ saddr: f.saddr, daddr: f.daddr, id: f.ipId, protocol: proto, pad: 0 }, { sport: f.sport, dport: f.dport });
  return PARSE_OK;
}
