// The XDP layer of the north-south path: what only XDP does. Frames leave by XDP_TX when they go
// back out of the device they came in on (hairpin), by bpf_redirect to another device (a pod's
// veth, another uplink) otherwise. Room for the DSR option comes from bpf_xdp_adjust_head and
// moving the Ethernet and IPv4 headers forward: XDP has no helper that opens a packet in the
// middle. What the FIB cannot resolve here never reaches this layer: context.ts passes it up
// untranslated, to the tc program that finishes the job (tc.ts, attached on the XDP hook too).

import { DSR_EXT6_LEN, DSR_OPT4_LEN, ROUTE_HAIRPIN } from './constants.ts';
import { setMacs, swapMacs } from './ethernet.ts';

/**
 * Sends the translated frame where route said (`rc` is SUCCESS or ROUTE_HAIRPIN here).
 * @inline
 */
export function emitXdp(ctx: XdpMd, fib: BpfFibLookup, rc: i64): u32 {
  if (rc === ROUTE_HAIRPIN) {
    swapMacs(ctx);
    return XDP_TX;
  }
  return sendXdp(ctx, fib.ifindex, fib.dmac16, fib.smac16);
}

/**
 * To the next hop out of `ifindex`, with these MACs: XDP_TX when that is the device the frame
 * came in on.
 * @inline
 */
export function sendXdp(ctx: XdpMd, ifindex: u32, dmac: FixedArray<u16, 3>, smac: FixedArray<u16, 3>): u32 {
  setMacs(ctx, dmac, smac);
  if (ifindex === ctx.ingress_ifindex) return XDP_TX;
  return u32(bpf_redirect(ifindex, 0));
}

/** The Ethernet and fixed IPv4 headers, 34 bytes, as aligned 16-bit words. */
interface EthIpv4Words {
  w: FixedArray<u16, 17>;
}

/**
 * Makes DSR_OPT4_LEN bytes of room after the IPv4 header: the frame starts that much earlier and
 * the Ethernet and (20-byte) IPv4 headers move to the new start, word by word. 0, or -1.
 */
export function growIpv4HeaderXdp(ctx: XdpMd): i64 {
  const old = ctx.header<EthIpv4Words>(0);
  if (!old) return -1;
  const saved = zeroed<EthIpv4Words>();
  for (let i = 0; i < 17; i++) saved.w[i] = old.w[i];
  if (bpf_xdp_adjust_head(ctx, -DSR_OPT4_LEN) !== 0) return -1;
  const moved = ctx.header<EthIpv4Words>(0);
  if (!moved) return -1;
  for (let i = 0; i < 17; i++) moved.w[i] = saved.w[i];
  return 0;
}

/** The Ethernet and IPv6 headers, 54 bytes, as aligned 16-bit words. */
interface EthIpv6Words {
  w: FixedArray<u16, 27>;
}

/** As growIpv4HeaderXdp, DSR_EXT6_LEN bytes after the IPv6 header. */
export function growIpv6HeaderXdp(ctx: XdpMd): i64 {
  const old = ctx.header<EthIpv6Words>(0);
  if (!old) return -1;
  const saved = zeroed<EthIpv6Words>();
  for (let i = 0; i < 27; i++) saved.w[i] = old.w[i];
  if (bpf_xdp_adjust_head(ctx, -DSR_EXT6_LEN) !== 0) return -1;
  const moved = ctx.header<EthIpv6Words>(0);
  if (!moved) return -1;
  for (let i = 0; i < 27; i++) moved.w[i] = saved.w[i];
  return 0;
}
