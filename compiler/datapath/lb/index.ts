// The load-balancing core that the socket LB (compiler/datapath/sock/) and the north-south path
// (compiler/datapath/nodeport/) share: the maps of compiler/emit/map-layouts.ts, service lookup
// with scopes and the NodePort wildcard, backend choice, session affinity and counters.
//
// Usage (the family object, ../family.ts, picks IPv4's or IPv6's maps and key types):
//
//   import { lookupService, pickSlot, backendIdAt, backend, statsOf } from '../lb/index.ts';
//   const key: lb4_key = { address: daddr, port: dport, protocol: IPPROTO_TCP, scope: 0, slot: 0, pad: 0 };
//   const svc = lookupService(v4, key, false);   // false: north-south (scope 0); true: in-cluster
//   if (!svc) return PASS;                       // not a service (key now names the entry found)
//   const id = backendIdAt(v4, key, pickSlot(svc, hash));  // active backends, else terminating ones
//   const be = backend(v4, id);                  // null: no backend at all (svc.count and
//   if (!be) return DROP;                        //   svc.terminating both 0), e.g. ETP Local here
//   const st = statsOf(svc.service_id); if (st) st.packets += 1;
//
// Maglev (algorithm: maglev): maglevBackend(svc.service_id, maglevSet(svc), 4, flowHash) in place
// of backendIdAt(v4, key, pickSlot(...)); 0 means no table (no backend).
// Entry flags (SVC_*, KIND_*) are in flags.ts; svc.rev_nat_id names the frontend replies must
// come from (lb4_reverse_nat). Affinity: affinityBackend/rememberAffinity with a key from
// netnsAffinityKey4/6 (socket LB) or built from the client address with netns = 0 (tc/XDP).
// The node's own addresses (node_config map, written per node) are behind isNodeAddress4/6.

export * from './flags.ts';
// Eight maps share their value struct's name (lb4_reverse_nat, lb6_reverse_nat, lb4_sock_reverse_nat,
// lb6_sock_reverse_nat, lb4_sock_peer, lb6_sock_peer, lb_stats, node_config): here the names are the maps; import those struct
// types from './structs.ts'.
export * from './structs.ts';
export {
  lb4_services,
  lb6_services,
  lb4_backends,
  lb6_backends,
  lb4_reverse_nat,
  lb6_reverse_nat,
  lb4_source_ranges,
  lb6_source_ranges,
  lb_maglev,
  lb4_affinity,
  lb6_affinity,
  ct4,
  ct6,
  lb4_sock_reverse_nat,
  lb6_sock_reverse_nat,
  lb4_sock_peer,
  lb6_sock_peer,
  lb_stats,
  node_config,
} from './maps.ts';
export * from './node.ts';
export * from './service.ts';
export * from './select.ts';
export * from './affinity.ts';
export * from './stats.ts';
export * from './maglev.ts';
export { MAGLEV_TABLE_SIZE, lb_maglev_table } from './maglev-table.ts';
