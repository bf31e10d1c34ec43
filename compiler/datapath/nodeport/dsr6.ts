// DSR for IPv6: the frontend travels in a Destination Options header right behind the IPv6
// header (docs/datapath.md): PadN first, so that the address inside is word-aligned, then option
// 0x1e (experimental; the top bits 00 tell any node that does not know it to skip it) with the
// frontend's port and address. 24 bytes; the L4 checksum does not cover it.

import { ETH_HLEN, Ipv6Hdr } from '../headers.ts';
import { DSR_EXT6_LEN, DSR_OPT6_LEN, DSR_OPT6_TYPE, IPPROTO_DSTOPTS } from './constants.ts';
import { growIpv6Header } from './context.ts';

/** The Destination Options header as this path writes it. */
export interface DsrExt6 {
  nexthdr: u8;
  /** In 8-byte units beyond the first 8: 2. */
  hdrlen: u8;
  /** PadN (1) with no data: two bytes that align what follows. */
  padType: u8;
  padLen: u8;
  type: u8;
  len: u8;
  port: be16;
  addr: FixedArray<be32, 4>;
}

/** Inserts the header after the IPv6 header; 1 when inserted, negative on failure. */
export function pushDsr6(ctx: XdpMd | SkBuff, addr: FixedArray<be32, 4>, port: be16): i32 {
  const ip = ctx.header<Ipv6Hdr>(ETH_HLEN);
  if (!ip) return -1;
  const next = ip.nexthdr;
  if (growIpv6Header(ctx) !== 0) return -1;
  const ip2 = ctx.header<Ipv6Hdr>(ETH_HLEN);
  const ext = ctx.header<DsrExt6>(ETH_HLEN + 40);
  if (!ip2 || !ext) return -1;
  ip2.nexthdr = IPPROTO_DSTOPTS;
  ip2.payload_len = htons(ntohs(ip2.payload_len) + DSR_EXT6_LEN);
  ext.nexthdr = next;
  ext.hdrlen = 2;
  ext.padType = 1;
  ext.padLen = 0;
  ext.type = DSR_OPT6_TYPE;
  ext.len = DSR_OPT6_LEN;
  ext.port = port;
  for (let i = 0; i < 4; i++) ext.addr[i] = addr[i];
  return 1;
}

/** The frontend a DSR packet carries (parse6 found the header), or null. */
export function readDsr6(ctx: XdpMd | SkBuff): DsrExt6 | null {
  const ext = ctx.header<DsrExt6>(ETH_HLEN + 40);
  if (!ext || ext.type !== DSR_OPT6_TYPE) return null;
  return ext;
}
