// What every node of a zone holds between the cluster-wide tables and its own: the cluster-wide
// entries whose zone hints narrow them in that zone (topology.ts, rule 2), with the Maglev table
// of each narrowed set. Every node of a zone uses the same zone-narrowed set, so it is written
// once per zone: hinted services cost entries per zone, not per node (docs/spec.md, Topology).
// A node entry under the same key (node hints, or a Local set) still replaces a zone entry.

import type { ModelNode } from '../model/types.ts';
import { maglevFor, type MaglevOptions } from './node-tables.ts';
import type { TopologyHints } from './topology.ts';
import type { ServiceEntry, UnitBackend, ZoneTable } from './types.ts';

/** Zones with at least one entry, sorted by name; zones whose hints narrow nothing are left out. */
export function buildZoneTables(
  nodes: readonly ModelNode[],
  entries: readonly ServiceEntry[],
  maglev: MaglevOptions,
  hints: (list: UnitBackend[]) => TopologyHints,
): ZoneTable[] {
  const tables = new Map<string, ZoneTable>();
  for (const n of nodes) {
    if (n.zone === undefined) continue;
    if (!tables.has(n.zone)) tables.set(n.zone, { zone: n.zone, entries: [], maglev: [] });
  }
  const maglevDone = new Set<string>();
  for (const entry of entries) {
    if (entry.set !== 'all') continue;
    const family = entry.frontend.address.family;
    const list = entry.unit.byFamily[family];
    const h = hints(list);
    if (!h.narrows) continue;
    for (const t of tables.values()) {
      const backends = h.forZone(t.zone);
      if (!backends) continue;
      t.entries.push({ entry, backends, topology: 'zone' });
      // Frontends of one service port share its table: one per zone, port and family.
      const key = `${t.zone} ${entry.unit.id} ${family}`;
      if (maglev.enabled && !maglevDone.has(key)) {
        maglevDone.add(key);
        const m = maglevFor(entry.unit, 'all', family, backends, maglev.size);
        if (m) t.maglev.push(m);
      }
    }
  }
  return [...tables.values()].filter((t) => t.entries.length > 0).sort((a, b) => (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0));
}
