// What both families' answers to a service without endpoints share (reject4.ts, reject6.ts):
// the client's packet itself becomes the ICMP error. It is cut behind what the error quotes,
// room for the new IP and ICMP headers is opened behind the Ethernet header, and the frame goes
// back out of the device it came in on (XDP_TX; tc: bpf_redirect to the ingress device, as the
// hairpin path sends), its MACs swapped.
//
// The quote (RFC 792 and RFC 1812 4.3.2.3 for IPv4, RFC 4443 2.4 for IPv6: as much as fits,
// at least the IP header and 8 bytes): the IP header, then 8 bytes of UDP or TCP's whole 20-byte
// fixed header. A checksum-offloaded skb (CHECKSUM_PARTIAL, a packet from a namespace of this
// host) cannot be cut in front of its L4 checksum field (bpf_skb_change_tail refuses), and
// UDP's lies within its first 8 bytes. Not rate-limited: one answer per packet, at most 40 bytes
// (IPv4; 48 for IPv6) longer than it; the kernel's icmp_ratelimit does not apply to packets
// built in BPF.

import { ETH_HLEN } from '../headers.ts';
import { EthWords } from './ethernet.ts';

/** The quoted L4 bytes: UDP's header, TCP's fixed header. */
export const QUOTE_UDP = 8;
export const QUOTE_TCP = 20;
/** The TTL / hop limit of the kernel's own ICMP errors (and IPv4's IPTOS_PREC_INTERNETCONTROL). */
export const ANSWER_TTL = 64;
export const ANSWER_TOS = 0xc0;
/** The rest of a quoted TCP header (its bytes 8-19), as 16-bit words for the ICMP checksum. */
export interface TcpRestWords {
  w: FixedArray<u16, 6>;
}

/** bpf_skb_adjust_room mode: room right behind the Ethernet header. */
const BPF_ADJ_ROOM_MAC = 1;

/**
 * The frame cut to the Ethernet header and `keep` bytes (the quote), then `room` bytes opened
 * behind the Ethernet header. XDP has no packet length: the cut goes by the IP datagram's length
 * (`ipLen`), and Ethernet padding behind it stays padding. 0, or -1.
 * @inline
 */
export function reshape(ctx: XdpMd | SkBuff, ipLen: u32, keep: u32, room: i32): i64 {
  if (isXdp(ctx)) return reshapeXdp(ctx, ipLen, keep, room);
  if (bpf_skb_change_tail(ctx, ETH_HLEN + keep, 0) !== 0) return -1;
  return bpf_skb_adjust_room(ctx, room, BPF_ADJ_ROOM_MAC, 0);
}

/**
 * reshape on XDP: the Ethernet header moves to the frame's new start.
 * @inline
 */
function reshapeXdp(ctx: XdpMd, ipLen: u32, keep: u32, room: i32): i64 {
  if (bpf_xdp_adjust_tail(ctx, i32(keep) - i32(ipLen)) !== 0) return -1;
  if (bpf_xdp_adjust_head(ctx, -room) !== 0) return -1;
  const from = ctx.header<EthWords>(room);
  const to = ctx.header<EthWords>(0);
  if (!from || !to) return -1;
  for (let i = 0; i < 3; i++) {
    to.dst[i] = from.dst[i];
    to.src[i] = from.src[i];
  }
  to.proto = from.proto;
  return 0;
}

/**
 * The answer, MACs already swapped, back out of the device it came in on.
 * @inline
 */
export function answerBack(ctx: XdpMd | SkBuff): i32 {
  if (isXdp(ctx)) return XDP_TX;
  return i32(bpf_redirect(ctx.ingress_ifindex, 0));
}
