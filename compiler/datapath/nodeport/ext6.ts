// IPv6 extension headers between a packet's IPv6 header and its upper-layer header: the chain
// walked, a bounded number of headers, to find where the L4 header is and whether the packet is
// a fragment. Hop-by-hop, routing (only with no segments left: this node is the destination),
// fragment and destination options headers are walked; anything else ends the chain (AH among
// them: its packets cannot be translated without breaking their authentication).

import { FRAG_FIRST, FRAG_LATER, FRAG_NONE, IPPROTO_DSTOPTS } from './constants.ts';

export const IPPROTO_HOPOPTS = 0;
export const IPPROTO_ROUTING = 43;
export const IPPROTO_FRAGMENT = 44;

/** Extension headers walked at most; a longer chain goes to the stack. */
export const EXT6_MAX = 6;
/** Extension headers' length at most, in 8-byte units (it is kept in a u8). */
export const EXT6_UNITS_MAX = 255;

/**
 * The first 8 bytes of every walked header (none is shorter). Bytes 2 and 3 are the fragment
 * header's offset and flags, or the routing header's type and segments left.
 */
interface ExtHdr6 {
  nexthdr: u8;
  /** In 8-byte units beyond the first 8 (the fragment header's is a reserved 0). */
  hdrlen: u8;
  /** Fragment header: the offset in 8-byte units in the top 13 bits; the lowest: more follow. */
  frag_off: be16;
  /** Fragment header: the datagram's identification. */
  id: be32;
  /**
   * Routing header: segments still to visit.
   * @offset 3
   */
  segmentsLeft: u8;
  pad: FixedArray<u8, 4>;
}

/** What the walk found. */
export interface Ext6Walk {
  /** The upper-layer protocol: the next header after the last extension header. */
  proto: u8;
  /** FRAG_NONE, FRAG_FIRST (offset 0, more to come), FRAG_LATER (no L4 header in this packet). */
  fragment: u8;
  /** Bytes of extension headers, in 8-byte units. */
  units: u8;
  pad: u8;
  /** The fragment header's identification (FRAG_FIRST, FRAG_LATER). */
  fragId: be32;
}

/** @inline */
export function isExtHeader6(proto: u8): bool {
  return proto === IPPROTO_HOPOPTS || proto === IPPROTO_ROUTING || proto === IPPROTO_FRAGMENT || proto === IPPROTO_DSTOPTS;
}

/**
 * Walks the chain that starts at packet offset `base` with header `next`; 0, or -1 when a
 * header is cut short, the chain is longer than EXT6_MAX headers or EXT6_UNITS_MAX units, or a
 * routing header still has segments left. A later fragment ends the walk at its fragment
 * header: what follows is the middle of a datagram.
 * @noinline
 */
export function walkExt6(ctx: XdpMd | SkBuff, next: u8, base: u16, w: Ext6Walk): i32 {
  let proto = next;
  let units: u32 = 0;
  w.fragment = FRAG_NONE;
  for (let i = 0; i < EXT6_MAX; i++) {
    if (!isExtHeader6(proto)) break;
    const ext = ctx.header<ExtHdr6>(base + u16(units) * 8);
    if (!ext) return -1;
    if (proto === IPPROTO_FRAGMENT) {
      const fo = ntohs(ext.frag_off);
      units += 1;
      if ((fo & 0xfff8) !== 0) {
        w.fragment = FRAG_LATER;
        w.fragId = ext.id;
        w.proto = ext.nexthdr;
        w.units = u8(units);
        return 0;
      }
      // Offset 0 without "more": an atomic fragment, a whole datagram.
      if ((fo & 1) !== 0) {
        w.fragment = FRAG_FIRST;
        w.fragId = ext.id;
      }
    } else {
      if (proto === IPPROTO_ROUTING && ext.segmentsLeft !== 0) return -1;
      units += u32(ext.hdrlen) + 1;
    }
    if (units > EXT6_UNITS_MAX) return -1;
    proto = ext.nexthdr;
  }
  w.proto = proto;
  w.units = u8(units);
  return 0;
}
