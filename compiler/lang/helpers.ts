// What the compiler knows about each kernel helper beyond its TypeScript prototype (in
// bpf-helpers.d.ts): the program types the kernel offers it to, and whether it may move packet
// data (which ends the life of every packet pointer, as the verifier sees it).

import type { ContextKind } from './types.ts';

export interface HelperRule {
  readonly contexts: readonly ContextKind[];
  readonly movesPacket: boolean;
}

const all: ContextKind[] = ['xdp', 'skb', 'sock_addr', 'sock'];
const rule = (contexts: ContextKind[], movesPacket = false): HelperRule => ({ contexts, movesPacket });

/** Keyed by the BPF-TS name (the kernel's, with its `bpf_` prefix). */
export const helperRules: Readonly<Record<string, HelperRule>> = {
  bpf_ktime_get_ns: rule(all),
  bpf_jiffies64: rule(all),
  bpf_get_prandom_u32: rule(all),
  bpf_get_smp_processor_id: rule(all),
  bpf_get_socket_cookie: rule(['skb', 'sock_addr', 'sock']),
  bpf_get_netns_cookie: rule(['skb', 'sock_addr', 'sock']),
  bpf_get_hash_recalc: rule(['skb']),
  // cgroup hooks only (the kernel also leaves them out of recvmsg/getpeername/getsockname).
  bpf_set_retval: rule(['sock_addr', 'sock']),
  bpf_get_retval: rule(['sock_addr', 'sock']),
  bpf_redirect: rule(['xdp', 'skb']),
  bpf_redirect_neigh: rule(['skb']),
  bpf_redirect_peer: rule(['skb']),
  bpf_fib_lookup: rule(['xdp', 'skb']),
  bpf_tail_call: rule(all),
  bpf_xdp_adjust_head: rule(['xdp'], true),
  bpf_xdp_adjust_tail: rule(['xdp'], true),
  bpf_skb_store_bytes: rule(['skb'], true),
  bpf_skb_load_bytes: rule(['skb']),
  bpf_skb_adjust_room: rule(['skb'], true),
  bpf_skb_change_head: rule(['skb'], true),
  bpf_skb_pull_data: rule(['skb'], true),
  bpf_l3_csum_replace: rule(['skb'], true),
  bpf_l4_csum_replace: rule(['skb'], true),
  bpf_csum_diff: rule(['xdp', 'skb']),
};
