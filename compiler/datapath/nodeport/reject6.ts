// The answer to a new IPv6 flow whose service has no endpoint: ICMPv6 destination unreachable,
// port unreachable (type 1, code 4), as kube-proxy's REJECT sends it; the packet becomes the
// answer as reject.ts says (quote: the IPv6 header and 8 bytes of UDP or TCP's 20-byte header,
// well within RFC 4443's 1280 bytes), its source the frontend address the client used, its
// checksum over the pseudo header.
//
// Not answered, dropped as before: packets with extension headers (the quote has a fixed
// size; fragments included), packets to or from a multicast address (ff00::/8, an Ethernet
// group MAC), from the unspecified address; ICMPv6 never gets here (parse6 hands it to the
// error path), so no error answers an error.

import { ETH_HLEN, EthHdr, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP, IcmpHdr, Ipv6Hdr } from '../headers.ts';
import { ICMPV6_DEST_UNREACH, ICMPV6_PORT_UNREACH } from './constants.ts';
import { drop } from './context.ts';
import { foldSum } from './csum.ts';
import { swapMacs } from './ethernet.ts';
import { ANSWER_TTL, answerBack, QUOTE_TCP, QUOTE_UDP, reshape, TcpRestWords } from './reject.ts';

/** What the answer adds in front of the quote: an IPv6 header and an ICMPv6 header. */
const ANSWER6_ROOM = 48;

/** The answer behind the Ethernet header up to the quote's first 8 L4 bytes, as 16-bit words. */
interface Answer6Words {
  /** 0-19: IPv6 header (4-19 its addresses); 20-23: ICMPv6 header; 24-43: quoted IPv6 header; 44-47: 8 bytes of L4. */
  w: FixedArray<u16, 48>;
}

/**
 * The client's packet turned into the port unreachable error and sent back; dropped when it
 * may not be answered (see above). A BPF-to-BPF call of its own, as reject4.
 * @noinline
 */
export function reject6(ctx: XdpMd | SkBuff): i32 {
  const quoted = answerable6(ctx);
  if (quoted === 0) return drop(ctx);
  const ip = ctx.header<Ipv6Hdr>(ETH_HLEN);
  if (!ip) return drop(ctx);
  const client = zeroed<FixedArray<be32, 4>>();
  const frontend = zeroed<FixedArray<be32, 4>>();
  for (let i = 0; i < 4; i++) {
    client[i] = ip.saddr[i];
    frontend[i] = ip.daddr[i];
  }
  const ipLen = 40 + u32(ntohs(ip.payload_len));
  if (reshape(ctx, ipLen, 40 + quoted, ANSWER6_ROOM) !== 0) return drop(ctx);
  swapMacs(ctx);
  const out = ctx.header<Ipv6Hdr>(ETH_HLEN);
  const icmp = ctx.header<IcmpHdr>(ETH_HLEN + 40);
  if (!out || !icmp) return drop(ctx);
  const length = u16(8 + 40 + quoted);
  out.vtc_flow = htonl(0x60000000);
  out.payload_len = htons(length);
  out.nexthdr = IPPROTO_ICMPV6;
  out.hop_limit = ANSWER_TTL;
  for (let i = 0; i < 4; i++) {
    out.saddr[i] = frontend[i];
    out.daddr[i] = client[i];
  }
  icmp.type = ICMPV6_DEST_UNREACH;
  icmp.code = ICMPV6_PORT_UNREACH;
  icmp.checksum = be16(0);
  icmp.rest = be32(0);
  if (checksum6(ctx, quoted === QUOTE_TCP, length) !== 0) return drop(ctx);
  return answerBack(ctx);
}

/**
 * How many L4 bytes the answer quotes (QUOTE_UDP, QUOTE_TCP), or 0 when the packet may not
 * be answered.
 */
function answerable6(ctx: XdpMd | SkBuff): u32 {
  const eth = ctx.header<EthHdr>(0);
  const ip = ctx.header<Ipv6Hdr>(ETH_HLEN);
  if (!eth || !ip) return 0;
  if ((eth.h_dest[0] & 1) !== 0) return 0;
  if (ntohl(ip.vtc_flow) >> 28 !== 6) return 0;
  if (ntohl(ip.daddr[0]) >> 24 === 0xff || ntohl(ip.saddr[0]) >> 24 === 0xff) return 0;
  if ((ip.saddr[0] | ip.saddr[1] | ip.saddr[2] | ip.saddr[3]) === be32(0)) return 0;
  let quoted: u32 = 0;
  if (ip.nexthdr === IPPROTO_TCP) quoted = QUOTE_TCP;
  if (ip.nexthdr === IPPROTO_UDP) quoted = QUOTE_UDP;
  if (u32(ntohs(ip.payload_len)) < quoted) return 0;
  return quoted;
}

/**
 * The ICMPv6 checksum: the pseudo header (the answer's addresses, its length, next header 58)
 * and the message (ICMPv6 header and quote). Words summed in memory order, as written. 0, or -1.
 */
function checksum6(ctx: XdpMd | SkBuff, tcp: bool, length: u16): i32 {
  const a = ctx.header<Answer6Words>(ETH_HLEN);
  if (!a) return -1;
  // The length and next header as memory holds them (big-endian), read little-endian as the words are.
  let sum: u32 = u32(bswap16(length)) + u32(bswap16(u16(IPPROTO_ICMPV6)));
  for (let i = 4; i < 20; i++) sum += u32(a.w[i]);
  for (let i = 20; i < 48; i++) sum += u32(a.w[i]);
  if (tcp) {
    const rest = ctx.header<TcpRestWords>(ETH_HLEN + 96);
    if (!rest) return -1;
    for (let i = 0; i < 6; i++) sum += u32(rest.w[i]);
  }
  // Word 21: the ICMPv6 checksum.
  a.w[21] = u16(~foldSum(u64(sum)));
  return 0;
}
