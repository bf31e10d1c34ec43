// The egress half of the north-south path, on tc whatever the ingress hook: replies of local
// backends, and of backends that received DSR packets, leave with the frontend as their source.

import { ETH_P_IP, ETH_P_IPV6 } from '../headers.ts';
import { v4, v6 } from './family.ts';
import { egress } from './lb.ts';

/** @section tcx/egress */
export function nodeport_egress(ctx: SkBuff): i32 {
  if (ctx.protocol === htons(ETH_P_IP)) return egress(ctx, v4);
  if (ctx.protocol === htons(ETH_P_IPV6)) return egress(ctx, v6);
  return TC_ACT_OK;
}
