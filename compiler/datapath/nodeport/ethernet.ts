// The Ethernet header as 16-bit words: where the kernel puts it (NET_IP_ALIGN, two bytes into a
// word, so that the IP header behind it is word-aligned), 2-byte accesses are the widest that
// are aligned. Copying MACs word by word keeps every access aligned, which a strict-alignment
// verifier (and a CPU without unaligned loads) requires.

/** Ethernet header: destination MAC, source MAC, EtherType. */
export interface EthWords {
  dst: FixedArray<u16, 3>;
  src: FixedArray<u16, 3>;
  proto: be16;
}

/**
 * The next hop's MAC as destination, the egress device's as source (the FIB's answer, or the
 * copy of it a flow's entry keeps).
 * @inline
 */
export function setMacs(ctx: XdpMd | SkBuff, dmac: FixedArray<u16, 3>, smac: FixedArray<u16, 3>): void {
  const eth = ctx.header<EthWords>(0);
  if (!eth) return;
  for (let i = 0; i < 3; i++) {
    eth.dst[i] = dmac[i];
    eth.src[i] = smac[i];
  }
}

/**
 * Back to where the frame came from (hairpin): the two MACs change places.
 * @inline
 */
export function swapMacs(ctx: XdpMd | SkBuff): void {
  const eth = ctx.header<EthWords>(0);
  if (!eth) return;
  for (let i = 0; i < 3; i++) {
    const w = eth.dst[i];
    eth.dst[i] = eth.src[i];
    eth.src[i] = w;
  }
}
