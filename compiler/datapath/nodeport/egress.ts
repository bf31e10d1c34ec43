// The egress half of the north-south path, on tc whatever the ingress hook: replies of local
// backends, and of backends that received DSR packets, leave with the frontend as their source.

import { ETH_P_IP } from '../headers.ts';
import { egress4 } from './lb4.ts';

/** @section tcx/egress */
export function nodeport_egress(ctx: SkBuff): i32 {
  if (ctx.protocol === htons(ETH_P_IP)) return egress4(ctx);
  return TC_ACT_OK;
}
