// North-south load balancing on tc (northSouthHook: tc): the node's devices' ingress. Replies
// of local and DSR backends are translated by the egress program (egress.ts), on both hooks.

import { ETH_P_IP, ETH_P_IPV6 } from '../headers.ts';
import { ingressIpv4, ingressIpv6 } from './ingress.ts';

/** @section tcx/ingress */
export function nodeport_ingress(ctx: SkBuff): i32 {
  if (ctx.protocol === htons(ETH_P_IP)) return ingressIpv4(ctx);
  if (ctx.protocol === htons(ETH_P_IPV6)) return ingressIpv6(ctx);
  return TC_ACT_OK;
}
