// bpf_redirect, bpf_redirect_peer and bpf_redirect_neigh: nothing is sent; the target is
// recorded for the verdict. Return values and flag checks are the kernel's: tc returns
// TC_ACT_REDIRECT (7), or TC_ACT_SHOT (2) for flags it refuses; XDP returns XDP_REDIRECT (4),
// or XDP_ABORTED (0) for any flag.

import { formatAddress } from '../network.ts';
import { u32, type Helper } from './helper.ts';

const TC_ACT_SHOT = 2;
const TC_ACT_REDIRECT = 7;
const XDP_ABORTED = 0;
const XDP_REDIRECT = 4;
const BPF_F_INGRESS = 1;
const AF_INET = 2;
const AF_INET6 = 10;
/** sizeof(struct bpf_redir_neigh). */
const REDIR_NEIGH_SIZE = 20;

export const redirect: Helper = (env, ifindex, flags) => {
  if (env.run.kind === 'xdp') {
    if (flags !== 0) return XDP_ABORTED;
    env.run.redirect = { kind: 'redirect', ifindex: u32(ifindex), flags: 0 };
    return XDP_REDIRECT;
  }
  if (flags & ~BPF_F_INGRESS) return TC_ACT_SHOT;
  env.run.redirect = { kind: 'redirect', ifindex: u32(ifindex), flags };
  return TC_ACT_REDIRECT;
};

export const redirectPeer: Helper = (env, ifindex, flags) => {
  if (flags !== 0) return TC_ACT_SHOT;
  env.run.redirect = { kind: 'redirect_peer', ifindex: u32(ifindex), flags: 0 };
  return TC_ACT_REDIRECT;
};

export const redirectNeigh: Helper = (env, ifindex, params, plen, flags) => {
  const len = u32(plen);
  if ((len !== 0 && len < REDIR_NEIGH_SIZE) || flags !== 0) return TC_ACT_SHOT;
  const r: NonNullable<typeof env.run.redirect> = { kind: 'redirect_neigh', ifindex: u32(ifindex), flags: 0 };
  if (len !== 0 && params !== 0) {
    const family = env.mem.dv.getUint32(params, true);
    if (family === AF_INET) r.nexthop = formatAddress(env.mem.bytes(params + 4, 4));
    else if (family === AF_INET6) r.nexthop = formatAddress(env.mem.bytes(params + 4, 16));
  }
  env.run.redirect = r;
  return TC_ACT_REDIRECT;
};
