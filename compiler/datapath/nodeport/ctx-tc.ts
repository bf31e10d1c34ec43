// The tc layer of the north-south path: what only an skb can do. Local backends get the packet
// through bpf_redirect_peer (the talk's ingress→ingress switch into the pod's namespace, no
// backlog queue); remote ones through bpf_redirect with the FIB's MACs, or bpf_redirect_neigh
// when the neighbour is not resolved yet (the kernel resolves it and sends); the DSR option's
// room comes from bpf_skb_adjust_room.

import { BPF_ADJ_ROOM_NET, DSR_EXT6_LEN, DSR_OPT4_LEN, ROUTE_HAIRPIN } from './constants.ts';
import { setMacs, swapMacs } from './ethernet.ts';

/**
 * Sends the translated packet where route said (`rc`); `local`: into a pod of this node.
 * `family` is AF_INET or AF_INET6 (the next hop's address family for bpf_redirect_neigh).
 * @inline
 */
export function emitTc(ctx: SkBuff, fib: BpfFibLookup, rc: i64, local: bool, family: u32): i32 {
  if (rc === ROUTE_HAIRPIN) {
    swapMacs(ctx);
    return i32(bpf_redirect(ctx.ingress_ifindex, 0));
  }
  if (rc === BPF_FIB_LKUP_RET_SUCCESS) return sendTc(ctx, fib.ifindex, fib.dmac16, fib.smac16, local);
  if (rc === BPF_FIB_LKUP_RET_NO_NEIGH) {
    // A pod's MAC does not matter to bpf_redirect_peer (the peer takes the skb as its own).
    if (local) return i32(bpf_redirect_peer(fib.ifindex, 0));
    const nh = zeroed<BpfRedirNeigh>();
    if (family === AF_INET) {
      nh.nh_family = AF_INET;
      nh.ipv4_nh = fib.ipv4_dst;
    } else {
      nh.nh_family = AF_INET6;
      for (let i = 0; i < 4; i++) nh.ipv6_nh[i] = fib.ipv6_dst[i];
    }
    return i32(bpf_redirect_neigh(fib.ifindex, nh, i32(sizeof<BpfRedirNeigh>()), 0));
  }
  // No route the FIB can use from here: the stack routes (or answers with ICMP).
  return TC_ACT_OK;
}

/**
 * To the next hop out of `ifindex` with these MACs, or into the pod behind it when `local`.
 * @inline
 */
export function sendTc(ctx: SkBuff, ifindex: u32, dmac: FixedArray<u16, 3>, smac: FixedArray<u16, 3>, local: bool): i32 {
  setMacs(ctx, dmac, smac);
  if (local) return i32(bpf_redirect_peer(ifindex, 0));
  return i32(bpf_redirect(ifindex, 0));
}

/** Makes DSR_OPT4_LEN bytes of room after the IPv4 header (between L3 and L4); 0 or an errno. */
export function growIpv4HeaderTc(ctx: SkBuff): i64 {
  return bpf_skb_adjust_room(ctx, DSR_OPT4_LEN, BPF_ADJ_ROOM_NET, 0);
}

/** Makes DSR_EXT6_LEN bytes of room after the IPv6 header; 0 or an errno. */
export function growIpv6HeaderTc(ctx: SkBuff): i64 {
  return bpf_skb_adjust_room(ctx, DSR_EXT6_LEN, BPF_ADJ_ROOM_NET, 0);
}
