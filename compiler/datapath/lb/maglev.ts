// Maglev backend choice (cluster.datapath.algorithm: maglev): the compiler writes one table of
// MAGLEV_TABLE_SIZE backend IDs per service port, backend set and family (lb_maglev); a flow's
// hash picks a slot. The same flow maps to the same backend on every node, and a backend change
// moves few flows: what north-south traffic needs when packets of one flow may reach any node.

import { SET_ALL, SET_LOCAL, SVC_LOCAL } from './flags.ts';
import { lb_maglev_table, MAGLEV_TABLE_SIZE } from './maglev-table.ts';
import { lb_maglev } from './maps.ts';
import { lb_service } from './structs.ts';

/** The table set an entry's backends come from: the node's own for Local policies. */
export function maglevSet(svc: lb_service): u8 {
  return (svc.flags & SVC_LOCAL) !== 0 ? SET_LOCAL : SET_ALL;
}

/** The backend ID `hash` picks in the table of (service, set, family); 0 when there is none. */
export function maglevBackend(serviceId: u16, set: u8, family: u8, hash: u32): u32 {
  const table: lb_maglev_table | null = lb_maglev.lookup({ service_id: serviceId, set, family });
  if (!table) return 0;
  return table.backend_ids[hash % MAGLEV_TABLE_SIZE];
}
