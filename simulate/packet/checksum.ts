// The Internet checksum (RFC 1071) over byte ranges, for the frames the packet builder writes.

/** The ones' complement sum of `parts` (each an even-aligned run of bytes), folded and inverted. */
export function internetChecksum(...parts: Uint8Array[]): number {
  let sum = 0;
  for (const b of parts) {
    for (let i = 0; i + 1 < b.length; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
    if (b.length & 1) sum += b[b.length - 1]! << 8;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** The pseudo-header TCP, UDP and ICMPv6 checksums cover. */
export function pseudoHeader(src: Uint8Array, dst: Uint8Array, proto: number, length: number): Uint8Array {
  const v6 = src.length === 16;
  const h = new Uint8Array(v6 ? 40 : 12);
  h.set(src, 0);
  h.set(dst, src.length);
  const dv = new DataView(h.buffer);
  if (v6) {
    dv.setUint32(32, length);
    h[39] = proto;
  } else {
    h[9] = proto;
    dv.setUint16(10, length);
  }
  return h;
}
