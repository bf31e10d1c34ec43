// The context abstraction of the talk: the north-south core is written once against
// `XdpMd | SkBuff`, and every operation whose implementation differs goes through here to the
// tc layer (ctx-tc.ts) or the XDP layer (ctx-xdp.ts). isXdp(ctx) is a compile-time constant, so
// each program holds only its own layer.

import { ROUTE_HAIRPIN } from './constants.ts';
import { features } from './config.ts';
import { emitTc, growIpv4HeaderTc, growIpv6HeaderTc, sendTc } from './ctx-tc.ts';
import { Family, V4, V6 } from './family.ts';
import { emitXdp, growIpv4HeaderXdp, growIpv6HeaderXdp, sendXdp } from './ctx-xdp.ts';

/** On to the kernel's stack. */
export function pass(ctx: XdpMd | SkBuff): i32 {
  if (isXdp(ctx)) return XDP_PASS;
  return TC_ACT_OK;
}

export function drop(ctx: XdpMd | SkBuff): i32 {
  if (isXdp(ctx)) return XDP_DROP;
  return TC_ACT_SHOT;
}

/**
 * Where the translated packet (`saddr` → `daddr`) goes: the FIB's answer, fib filled in. Asked
 * before translating, so that XDP can still hand an untouched packet to tc when the answer is
 * one only tc can act on. `local`: the destination is a pod of this node. Inlined, so that each
 * call site keeps only the lookups it can make (none on the remote path in hairpin mode).
 * @inline
 */
export function route<F extends V4 | V6>(ctx: XdpMd | SkBuff, fam: Family<F>, fib: BpfFibLookup, saddr: F['addr'], daddr: F['addr'], local: bool): i64 {
  if (local) return fibLookup(ctx, fam, fib, saddr, daddr);
  return routeRemote(ctx, fam, fib, saddr, daddr);
}

/**
 * Remote destinations. Hairpin mode compiles the lookup out (the talk's +1.5 Mpps): the frame
 * goes back out of the device it came in on, to the MAC it came from (ROUTE_HAIRPIN).
 */
function routeRemote<F extends V4 | V6>(ctx: XdpMd | SkBuff, fam: Family<F>, fib: BpfFibLookup, saddr: F['addr'], daddr: F['addr']): i64 {
  if (features.hairpin) return ROUTE_HAIRPIN;
  return fibLookup(ctx, fam, fib, saddr, daddr);
}

/** @inline */
function fibLookup<F extends V4 | V6>(ctx: XdpMd | SkBuff, fam: Family<F>, fib: BpfFibLookup, saddr: F['addr'], daddr: F['addr']): i64 {
  fib.family = isV6(fam) ? AF_INET6 : AF_INET;
  fib.ifindex = ctx.ingress_ifindex;
  fam.fibAddresses(fib, saddr, daddr);
  return bpf_fib_lookup(ctx, fib, i32(sizeof<BpfFibLookup>()), 0);
}

/**
 * Whether this context can send what route answered. XDP cannot wait for a neighbour to be
 * resolved, and must not pass a translated packet up (its source may be this node's own
 * address, which the stack drops as martian): such packets go up untranslated, and the tc
 * program on the same device finishes them with bpf_redirect_neigh.
 * @inline
 */
export function canSend(ctx: XdpMd | SkBuff, rc: i64): bool {
  if (isXdp(ctx)) return rc === BPF_FIB_LKUP_RET_SUCCESS || rc === ROUTE_HAIRPIN;
  return true;
}

/**
 * Sends the translated packet as route said; `local`: into a pod of this node. This and the
 * small helpers of the sending path are inlined: each BPF-to-BPF call on an established flow's
 * path costs about a nanosecond (docs/datapath.md).
 * @inline
 */
export function emit<F extends V4 | V6>(ctx: XdpMd | SkBuff, fam: Family<F>, fib: BpfFibLookup, rc: i64, local: bool): i32 {
  if (isXdp(ctx)) return i32(emitXdp(ctx, fib, rc));
  return emitTc(ctx, fib, rc, local, isV6(fam) ? AF_INET6 : AF_INET);
}

/**
 * Sends the translated packet to a known next hop: out of `ifindex` (into a pod's namespace when
 * `local`) with these MACs, as emit does with the FIB's SUCCESS.
 * @inline
 */
export function emitHop(ctx: XdpMd | SkBuff, ifindex: u32, dmac: FixedArray<u16, 3>, smac: FixedArray<u16, 3>, local: bool): i32 {
  if (isXdp(ctx)) return i32(sendXdp(ctx, ifindex, dmac, smac));
  return sendTc(ctx, ifindex, dmac, smac, local);
}

/** Room for the DSR option after the IPv4 header; 0 or negative. */
export function growIpv4Header(ctx: XdpMd | SkBuff): i64 {
  if (isXdp(ctx)) return growIpv4HeaderXdp(ctx);
  return growIpv4HeaderTc(ctx);
}

/** Room for the DSR Destination Options header after the IPv6 header; 0 or negative. */
export function growIpv6Header(ctx: XdpMd | SkBuff): i64 {
  if (isXdp(ctx)) return growIpv6HeaderXdp(ctx);
  return growIpv6HeaderTc(ctx);
}
