// The egress half of the north-south path, on tc whatever the ingress hook: replies of local
// backends, and of backends that received DSR packets, leave with the frontend as their source.

import { ETH_P_IP, ETH_P_IPV6 } from '../headers.ts';
import { egress4 } from './lb4.ts';
import { egress6 } from './lb6.ts';

/** @section tcx/egress */
export function nodeport_egress(ctx: SkBuff): i32 {
  if (ctx.protocol === htons(ETH_P_IP)) return egress4(ctx);
  if (ctx.protocol === htons(ETH_P_IPV6)) return egress6(ctx);
  return TC_ACT_OK;
}
