// Per-service counters in a per-CPU map (no locks, no shared cache lines): the entry of a
// service port appears on its first use; `switchyard-node dump lb_stats` sums the CPUs.

import { lb_stats } from './maps.ts';
import * as s from './structs.ts';

/** This CPU's counters of service port `serviceId`, created on first use; null when the map is full. */
export function statsOf(serviceId: u16): s.lb_stats | null {
  const key: s.lb_stats_key = { service_id: u32(serviceId) };
  const st = lb_stats.lookup(key);
  if (st) return st;
  lb_stats.update(key, zeroed<s.lb_stats>(), BPF_NOEXIST);
  return lb_stats.lookup(key);
}
