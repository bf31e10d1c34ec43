// The per-family entry of the ingress programs (tc.ts, xdp.ts): the core, then the ICMP error
// path when the core answers VERDICT_ICMP, for IPv6 the new-flow path when it answers VERDICT_NEW,
// and the port unreachable answer (reject4.ts, reject6.ts) when either answers VERDICT_REJECT.
// Called from here, their stack frames replace the core's instead of adding to it.

import { VERDICT_ICMP, VERDICT_NEW, VERDICT_REJECT } from './constants.ts';
import { v4, v6 } from './family.ts';
import { icmpIngress } from './icmp-error.ts';
import { ingress, newIngress } from './lb.ts';
import { reject4 } from './reject4.ts';
import { reject6 } from './reject6.ts';

/** @inline */
export function ingressIpv4(ctx: XdpMd | SkBuff): i32 {
  const verdict = ingress(ctx, v4);
  if (verdict === VERDICT_ICMP) return icmpIngress(ctx, v4);
  if (verdict === VERDICT_REJECT) return reject4(ctx);
  return verdict;
}

/** @inline */
export function ingressIpv6(ctx: XdpMd | SkBuff): i32 {
  let verdict = ingress(ctx, v6);
  if (verdict === VERDICT_ICMP) return icmpIngress(ctx, v6);
  if (verdict === VERDICT_NEW) verdict = newIngress(ctx, v6);
  if (verdict === VERDICT_REJECT) return reject6(ctx);
  return verdict;
}
