// DSR for IPv4: the load-balancing node forwards the client's packet to a remote backend with
// only the destination translated and the frontend (address and port the client used) in an IP
// option; the backend's node reads the option, remembers the frontend for the reply's 5-tuple,
// and its egress program gives the backend's replies that frontend as their source, so they go
// straight to the client (docs/datapath.md says why an option and not IPIP).

import { ETH_HLEN, Ipv4Hdr } from '../headers.ts';
import { DSR_OPT4_LEN, DSR_OPT4_TYPE } from './constants.ts';
import { growIpv4Header } from './context.ts';

/** The option on the wire: type, length, then the frontend. */
export interface DsrOpt4 {
  type: u8;
  len: u8;
  port: be16;
  addr: be32;
}

/** The fixed IPv4 header as 16-bit words, for its checksum. */
interface Ipv4Words {
  w: FixedArray<u16, 10>;
}

/**
 * Inserts the option after a 20-byte IPv4 header (a header with options of its own is sent
 * without: 0 is returned and nothing changes; the caller falls back to SNAT). 1 when inserted,
 * negative on failure. The header's length, total length and checksum follow.
 */
export function pushDsr4(ctx: XdpMd | SkBuff, addr: be32, port: be16): i32 {
  const ip = ctx.header<Ipv4Hdr>(ETH_HLEN);
  if (!ip) return -1;
  if (ip.version_ihl !== 0x45) return 0;
  if (growIpv4Header(ctx) !== 0) return -1;
  const ip2 = ctx.header<Ipv4Hdr>(ETH_HLEN);
  if (!ip2) return -1;
  const opt = ctx.header<DsrOpt4>(ETH_HLEN + 20);
  if (!opt) return -1;
  ip2.version_ihl = 0x47;
  ip2.tot_len = htons(ntohs(ip2.tot_len) + DSR_OPT4_LEN);
  opt.type = DSR_OPT4_TYPE;
  opt.len = DSR_OPT4_LEN;
  opt.port = port;
  opt.addr = addr;
  ip2.check = be16(0);
  const words = ctx.header<Ipv4Words>(ETH_HLEN);
  const optWords = ctx.header<FixedArray<u16, 4>>(ETH_HLEN + 20);
  if (!words || !optWords) return -1;
  let sum: u32 = 0;
  for (let i = 0; i < 10; i++) sum += u32(words.w[i]);
  for (let i = 0; i < 4; i++) sum += u32(optWords[i]);
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  words.w[5] = u16(~sum);
  return 1;
}

/** The frontend a DSR packet carries, or null when its first option is not ours. */
export function readDsr4(ctx: XdpMd | SkBuff): DsrOpt4 | null {
  const opt = ctx.header<DsrOpt4>(ETH_HLEN + 20);
  if (!opt || opt.type !== DSR_OPT4_TYPE || opt.len !== DSR_OPT4_LEN) return null;
  return opt;
}
