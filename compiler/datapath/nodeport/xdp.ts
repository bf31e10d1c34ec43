// North-south load balancing on XDP (northSouthHook: xdp): before the kernel builds an skb. The
// same core as tc.ts, whose program is attached beside it: what XDP cannot send itself (a next
// hop without a resolved neighbour) it passes up untranslated, and tc finishes it. Replies of
// local and DSR backends are translated by the tc egress program (egress.ts).

import { EthHdr, ETH_P_IP, ETH_P_IPV6 } from '../headers.ts';
import { ingressIpv4, ingressIpv6 } from './ingress.ts';

/** @section xdp */
export function nodeport_xdp(ctx: XdpMd): u32 {
  const eth = ctx.header<EthHdr>(0);
  if (!eth) return XDP_PASS;
  if (eth.h_proto === htons(ETH_P_IP)) return u32(ingressIpv4(ctx));
  if (eth.h_proto === htons(ETH_P_IPV6)) return u32(ingressIpv6(ctx));
  return XDP_PASS;
}
