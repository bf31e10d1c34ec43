// The tc layer of the north-south path: what only an skb can do. Local backends get the packet
// through bpf_redirect_peer (the talk's ingress→ingress switch into the pod's namespace, no
// backlog queue); remote ones through a FIB lookup and bpf_redirect, or bpf_redirect_neigh when
// the neighbour is not resolved yet; the DSR option's room comes from bpf_skb_adjust_room.

import { BPF_ADJ_ROOM_NET, DSR_OPT4_LEN } from './constants.ts';
import { features } from './config.ts';
import { setMacs, swapMacs } from './ethernet.ts';

/** Into the pod that owns `daddr`, through its veth's peer; the stack routes it if the FIB cannot. */
export function toLocal4Tc(ctx: SkBuff, saddr: be32, daddr: be32): i32 {
  const fib: BpfFibLookup = { ...zeroed<BpfFibLookup>(), family: AF_INET, ifindex: ctx.ingress_ifindex, ipv4_src: saddr, ipv4_dst: daddr };
  const rc = bpf_fib_lookup(ctx, fib, i32(sizeof<BpfFibLookup>()), 0);
  if (rc !== BPF_FIB_LKUP_RET_SUCCESS && rc !== BPF_FIB_LKUP_RET_NO_NEIGH) return TC_ACT_OK;
  const ifindex = fib.ifindex;
  if (rc === BPF_FIB_LKUP_RET_SUCCESS) setMacs(ctx, fib);
  return i32(bpf_redirect_peer(ifindex, 0));
}

/** Out towards `daddr` (a remote backend, or a client for a reply). */
export function toRemote4Tc(ctx: SkBuff, saddr: be32, daddr: be32): i32 {
  if (features.hairpin) {
    swapMacs(ctx);
    return i32(bpf_redirect(ctx.ingress_ifindex, 0));
  }
  const fib: BpfFibLookup = { ...zeroed<BpfFibLookup>(), family: AF_INET, ifindex: ctx.ingress_ifindex, ipv4_src: saddr, ipv4_dst: daddr };
  const rc = bpf_fib_lookup(ctx, fib, i32(sizeof<BpfFibLookup>()), 0);
  if (rc === BPF_FIB_LKUP_RET_SUCCESS) {
    setMacs(ctx, fib);
    return i32(bpf_redirect(fib.ifindex, 0));
  }
  if (rc === BPF_FIB_LKUP_RET_NO_NEIGH) {
    const nh: BpfRedirNeigh = { ...zeroed<BpfRedirNeigh>(), nh_family: AF_INET, ipv4_nh: fib.ipv4_dst };
    return i32(bpf_redirect_neigh(fib.ifindex, nh, i32(sizeof<BpfRedirNeigh>()), 0));
  }
  return TC_ACT_OK;
}

/** Makes DSR_OPT4_LEN bytes of room after the IPv4 header (between L3 and L4); 0 or an errno. */
export function growIpv4HeaderTc(ctx: SkBuff): i64 {
  return bpf_skb_adjust_room(ctx, DSR_OPT4_LEN, BPF_ADJ_ROOM_NET, 0);
}


