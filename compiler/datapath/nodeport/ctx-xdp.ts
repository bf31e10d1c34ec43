// The XDP layer of the north-south path: what only XDP does. Frames leave by XDP_TX when the FIB
// says they go back out of the device they came in on (hairpin), by bpf_redirect to another
// device otherwise; whatever the FIB cannot resolve (no neighbour yet) goes up to the stack,
// already translated. Room for the DSR option comes from bpf_xdp_adjust_head and moving the
// Ethernet and IPv4 headers forward: XDP has no helper that opens the packet in the middle.

import { DSR_OPT4_LEN } from './constants.ts';
import { features } from './config.ts';
import { setMacs, swapMacs } from './ethernet.ts';

/** Into the pod that owns `daddr` (its veth's peer must run XDP to take the frame), else up. */
export function toLocal4Xdp(ctx: XdpMd, saddr: be32, daddr: be32): u32 {
  const fib: BpfFibLookup = { ...zeroed<BpfFibLookup>(), family: AF_INET, ifindex: ctx.ingress_ifindex, ipv4_src: saddr, ipv4_dst: daddr };
  if (bpf_fib_lookup(ctx, fib, i32(sizeof<BpfFibLookup>()), 0) !== BPF_FIB_LKUP_RET_SUCCESS) return XDP_PASS;
  setMacs(ctx, fib);
  return u32(bpf_redirect(fib.ifindex, 0));
}

/** Out towards `daddr` (a remote backend, or a client for a reply). */
export function toRemote4Xdp(ctx: XdpMd, saddr: be32, daddr: be32): u32 {
  if (features.hairpin) {
    swapMacs(ctx);
    return XDP_TX;
  }
  const fib: BpfFibLookup = { ...zeroed<BpfFibLookup>(), family: AF_INET, ifindex: ctx.ingress_ifindex, ipv4_src: saddr, ipv4_dst: daddr };
  if (bpf_fib_lookup(ctx, fib, i32(sizeof<BpfFibLookup>()), 0) !== BPF_FIB_LKUP_RET_SUCCESS) return XDP_PASS;
  setMacs(ctx, fib);
  if (fib.ifindex === ctx.ingress_ifindex) return XDP_TX;
  return u32(bpf_redirect(fib.ifindex, 0));
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


