// The context abstraction of the talk: the north-south core is written once against
// `XdpMd | SkBuff`, and every operation whose implementation differs goes through here to the
// tc layer (ctx-tc.ts) or the XDP layer (ctx-xdp.ts). isXdp(ctx) is a compile-time constant, so
// each program holds only its own layer.

import { growIpv4HeaderTc, toLocal4Tc, toRemote4Tc } from './ctx-tc.ts';
import { growIpv4HeaderXdp, toLocal4Xdp, toRemote4Xdp } from './ctx-xdp.ts';

/** On to the kernel's stack. */
export function pass(ctx: XdpMd | SkBuff): i32 {
  if (isXdp(ctx)) return XDP_PASS;
  return TC_ACT_OK;
}

export function drop(ctx: XdpMd | SkBuff): i32 {
  if (isXdp(ctx)) return XDP_DROP;
  return TC_ACT_SHOT;
}

/** The translated packet, to a backend on this node. */
export function toLocal4(ctx: XdpMd | SkBuff, saddr: be32, daddr: be32): i32 {
  if (isXdp(ctx)) return i32(toLocal4Xdp(ctx, saddr, daddr));
  return toLocal4Tc(ctx, saddr, daddr);
}

/** The translated packet, out to another host: a remote backend, or the client of a reply. */
export function toRemote4(ctx: XdpMd | SkBuff, saddr: be32, daddr: be32): i32 {
  if (isXdp(ctx)) return i32(toRemote4Xdp(ctx, saddr, daddr));
  return toRemote4Tc(ctx, saddr, daddr);
}

/** Room for the DSR option after the IPv4 header; 0 or negative. */
export function growIpv4Header(ctx: XdpMd | SkBuff): i64 {
  if (isXdp(ctx)) return growIpv4HeaderXdp(ctx);
  return growIpv4HeaderTc(ctx);
}
