// North-south load balancing on XDP (northSouthHook: xdp): before the kernel builds an skb. The
// same core as tc.ts; replies of local and DSR backends are translated by the tc egress program
// (egress.ts), since XDP sees only what arrives.

import { EthHdr, ETH_P_IP } from '../headers.ts';
import { ingress4 } from './lb4.ts';

/** @section xdp */
export function nodeport_xdp(ctx: XdpMd): u32 {
  const eth = ctx.header<EthHdr>(0);
  if (!eth) return XDP_PASS;
  if (eth.h_proto === htons(ETH_P_IP)) return u32(ingress4(ctx));
  return XDP_PASS;
}
