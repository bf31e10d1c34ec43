// Every map of the load balancer, as compiler/emit/map-layouts.ts declares them (names, types,
// flags), sized by the spec's cluster.maps through the compile-time configuration. Both the
// socket LB and the north-south path import these; the object holds each map once.

import { lb_maglev_table } from './maglev-table.ts';
// Some maps share their value struct's name (as in the layout table): types are reached as s.*.
import * as s from './structs.ts';

/** cluster.maps, as the build stage passes it (compiler/datapath-build/config.ts). */
interface LbMapSizes {
  mapServices: u32;
  mapBackends: u32;
  mapReverseNat: u32;
  mapAffinity: u32;
  mapConntrack: u32;
  mapSockReverseNat: u32;
  mapSourceRanges: u32;
}
const sizes = nodeConfig<LbMapSizes>();

export const lb4_services = map<s.lb4_key, s.lb_service>({ type: 'hash', maxEntries: sizes.mapServices });
export const lb6_services = map<s.lb6_key, s.lb_service>({ type: 'hash', maxEntries: sizes.mapServices });
export const lb4_backends = map<s.lb_backend_key, s.lb4_backend>({ type: 'hash', maxEntries: sizes.mapBackends });
export const lb6_backends = map<s.lb_backend_key, s.lb6_backend>({ type: 'hash', maxEntries: sizes.mapBackends });
export const lb4_reverse_nat = map<s.lb_rev_nat_key, s.lb4_reverse_nat>({ type: 'hash', maxEntries: sizes.mapReverseNat });
export const lb6_reverse_nat = map<s.lb_rev_nat_key, s.lb6_reverse_nat>({ type: 'hash', maxEntries: sizes.mapReverseNat });
export const lb4_source_ranges = map<s.lb4_src_range_key, s.lb_src_range_value>({ type: 'lpm_trie', maxEntries: sizes.mapSourceRanges, flags: BPF_F_NO_PREALLOC });
export const lb6_source_ranges = map<s.lb6_src_range_key, s.lb_src_range_value>({ type: 'lpm_trie', maxEntries: sizes.mapSourceRanges, flags: BPF_F_NO_PREALLOC });
export const lb_maglev = map<s.lb_maglev_key, lb_maglev_table>({ type: 'hash', maxEntries: sizes.mapReverseNat, flags: BPF_F_NO_PREALLOC });
export const lb4_affinity = map<s.lb4_affinity_key, s.lb_affinity_value>({ type: 'lru_hash', maxEntries: sizes.mapAffinity });
export const lb6_affinity = map<s.lb6_affinity_key, s.lb_affinity_value>({ type: 'lru_hash', maxEntries: sizes.mapAffinity });
export const ct4 = map<s.ct4_key, s.ct4_value>({ type: 'lru_hash', maxEntries: sizes.mapConntrack });
export const ct6 = map<s.ct6_key, s.ct6_value>({ type: 'lru_hash', maxEntries: sizes.mapConntrack });
export const lb4_sock_reverse_nat = map<s.lb4_sock_key, s.lb4_sock_reverse_nat>({ type: 'lru_hash', maxEntries: sizes.mapSockReverseNat });
export const lb6_sock_reverse_nat = map<s.lb6_sock_key, s.lb6_sock_reverse_nat>({ type: 'lru_hash', maxEntries: sizes.mapSockReverseNat });
/** A connected socket's frontend and backend, kept by the socket itself (../sock/forward.ts). */
export const lb4_sock_peer = map<u32, s.lb4_sock_peer>({ type: 'sk_storage', maxEntries: 0, flags: BPF_F_NO_PREALLOC });
export const lb6_sock_peer = map<u32, s.lb6_sock_peer>({ type: 'sk_storage', maxEntries: 0, flags: BPF_F_NO_PREALLOC });
/** Counters per service port and CPU; entries appear on first use (no preallocation). */
export const lb_stats = map<s.lb_stats_key, s.lb_stats>({ type: 'percpu_hash', maxEntries: sizes.mapReverseNat, flags: BPF_F_NO_PREALLOC });
/** One entry: this node's addresses and pod CIDRs, from nodes/<node>/maps/node_config.bin. */
export const node_config = map<u32, s.node_config>({ type: 'array', maxEntries: 1 });
