// The per-family entry of the ingress programs (tc.ts, xdp.ts): the core, then the ICMP error
// path when the core answers VERDICT_ICMP. Called from here, the error path's stack frame
// replaces the core's instead of adding to it.

import { VERDICT_ICMP } from './constants.ts';
import { icmpIngress4 } from './icmp-error4.ts';
import { icmpIngress6 } from './icmp-error6.ts';
import { v4, v6 } from '../family.ts';
import { ingress } from './lb.ts';

/** @inline */
export function ingressIpv4(ctx: XdpMd | SkBuff): i32 {
  const verdict = ingress(ctx, v4);
  if (verdict === VERDICT_ICMP) return icmpIngress4(ctx);
  return verdict;
}

/** @inline */
export function ingressIpv6(ctx: XdpMd | SkBuff): i32 {
  const verdict = ingress(ctx, v6);
  if (verdict === VERDICT_ICMP) return icmpIngress6(ctx);
  return verdict;
}
