// The per-family entry of the ingress programs (tc.ts, xdp.ts): the core, then the ICMP error
// path when the core answers VERDICT_ICMP, and for IPv6 the new-flow path when it answers
// VERDICT_NEW. Called from here, their stack frames replace the core's instead of adding to it.

import { VERDICT_ICMP, VERDICT_NEW } from './constants.ts';
import { v4, v6 } from './family.ts';
import { icmpIngress } from './icmp-error.ts';
import { ingress, newIngress } from './lb.ts';

/** @inline */
export function ingressIpv4(ctx: XdpMd | SkBuff): i32 {
  const verdict = ingress(ctx, v4);
  if (verdict === VERDICT_ICMP) return icmpIngress(ctx, v4);
  return verdict;
}

/** @inline */
export function ingressIpv6(ctx: XdpMd | SkBuff): i32 {
  const verdict = ingress(ctx, v6);
  if (verdict === VERDICT_ICMP) return icmpIngress(ctx, v6);
  if (verdict === VERDICT_NEW) return newIngress(ctx, v6);
  return verdict;
}
