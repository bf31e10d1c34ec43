// The answer to a new IPv4 flow whose service has no endpoint: ICMP destination unreachable,
// port unreachable (type 3, code 3), what kube-proxy's REJECT rule sends, so that a TCP client
// is refused at once and a connected UDP socket sees ECONNREFUSED instead of waiting for its
// timeout. The packet becomes the answer as reject.ts says; its source is the frontend address
// the client used.
//
// Not answered, dropped as before: packets with IP options (the quote has a fixed size), later
// fragments (newFlow drops them first), packets to or from a multicast or broadcast address
// (IPv4 224/3 and 255.255.255.255, an Ethernet group MAC), from 0.0.0.0; ICMP never gets here
// (parse4 hands it to the error path), so no error answers an error.

import { ETH_HLEN, EthHdr, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, IP_MF, IP_OFFSET, IcmpHdr, Ipv4Hdr } from '../headers.ts';
import { ICMP_DEST_UNREACH, ICMP_PORT_UNREACH } from './constants.ts';
import { drop } from './context.ts';
import { foldSum } from './csum.ts';
import { swapMacs } from './ethernet.ts';
import { ANSWER_TOS, ANSWER_TTL, answerBack, QUOTE_TCP, QUOTE_UDP, reshape, TcpRestWords } from './reject.ts';

/** What the answer adds in front of the quote: an IPv4 header and an ICMP header. */
const ANSWER4_ROOM = 28;

/** The answer behind the Ethernet header up to the quote's first 8 L4 bytes, as 16-bit words. */
interface Answer4Words {
  /** 0-9: IPv4 header; 10-13: ICMP header; 14-23: quoted IPv4 header; 24-27: 8 bytes of L4. */
  w: FixedArray<u16, 28>;
}

/**
 * The client's packet turned into the port unreachable error and sent back; dropped when it
 * may not be answered (see above). A BPF-to-BPF call of its own, called from the program's
 * entry after the core returned (ingress.ts): its frame replaces the core's.
 * @noinline
 */
export function reject4(ctx: XdpMd | SkBuff): i32 {
  const quoted = answerable4(ctx);
  if (quoted === 0) return drop(ctx);
  const ip = ctx.header<Ipv4Hdr>(ETH_HLEN);
  if (!ip) return drop(ctx);
  const client = ip.saddr;
  const frontend = ip.daddr;
  const totLen = u32(ntohs(ip.tot_len));
  if (reshape(ctx, totLen, 20 + quoted, ANSWER4_ROOM) !== 0) return drop(ctx);
  swapMacs(ctx);
  const out = ctx.header<Ipv4Hdr>(ETH_HLEN);
  const icmp = ctx.header<IcmpHdr>(ETH_HLEN + 20);
  if (!out || !icmp) return drop(ctx);
  out.version_ihl = 0x45;
  out.tos = ANSWER_TOS;
  out.tot_len = htons(u16(ANSWER4_ROOM + 20 + quoted));
  out.id = be16(0);
  out.frag_off = be16(0);
  out.ttl = ANSWER_TTL;
  out.protocol = IPPROTO_ICMP;
  out.check = be16(0);
  out.saddr = frontend;
  out.daddr = client;
  icmp.type = ICMP_DEST_UNREACH;
  icmp.code = ICMP_PORT_UNREACH;
  icmp.checksum = be16(0);
  icmp.rest = be32(0);
  if (checksums4(ctx, quoted === QUOTE_TCP) !== 0) return drop(ctx);
  return answerBack(ctx);
}

/**
 * How many L4 bytes the answer quotes (QUOTE_UDP, QUOTE_TCP), or 0 when the packet may not
 * be answered.
 */
function answerable4(ctx: XdpMd | SkBuff): u32 {
  const eth = ctx.header<EthHdr>(0);
  const ip = ctx.header<Ipv4Hdr>(ETH_HLEN);
  if (!eth || !ip) return 0;
  if ((eth.h_dest[0] & 1) !== 0) return 0;
  if (ip.version_ihl !== 0x45) return 0;
  if ((ntohs(ip.frag_off) & IP_OFFSET) !== 0) return 0;
  if (!unicast4(ip.daddr) || !unicast4(ip.saddr) || ip.saddr === be32(0)) return 0;
  let quoted: u32 = 0;
  if (ip.protocol === IPPROTO_TCP) quoted = QUOTE_TCP;
  if (ip.protocol === IPPROTO_UDP) quoted = QUOTE_UDP;
  // A first fragment may hold less than TCP's header (only its first 8 bytes are promised).
  if ((ntohs(ip.frag_off) & IP_MF) !== 0) quoted = QUOTE_UDP;
  if (u32(ntohs(ip.tot_len)) < 20 + quoted) return 0;
  return quoted;
}

/**
 * Neither multicast (224/4) nor class E and the limited broadcast (240/4).
 * @inline
 */
function unicast4(addr: be32): bool {
  return ntohl(addr) >> 28 < 14;
}

/** The answer's IPv4 header checksum and its ICMP checksum (over the ICMP header and quote). 0, or -1. */
function checksums4(ctx: XdpMd | SkBuff, tcp: bool): i32 {
  const a = ctx.header<Answer4Words>(ETH_HLEN);
  if (!a) return -1;
  let ipSum: u32 = 0;
  for (let i = 0; i < 10; i++) ipSum += u32(a.w[i]);
  a.w[5] = u16(~foldSum(u64(ipSum)));
  let sum: u32 = 0;
  for (let i = 10; i < 28; i++) sum += u32(a.w[i]);
  if (tcp) {
    const rest = ctx.header<TcpRestWords>(ETH_HLEN + 56);
    if (!rest) return -1;
    for (let i = 0; i < 6; i++) sum += u32(rest.w[i]);
  }
  // Word 11: the ICMP checksum (written as the words were read, in memory order).
  a.w[11] = u16(~foldSum(u64(sum)));
  return 0;
}
