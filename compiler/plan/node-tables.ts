// What each node holds beyond the cluster-wide tables and its zone's (zone-tables.ts): its own
// backends for Local-policy entries (the cluster-wide entry has none, so a node without a local
// backend drops, as Kubernetes requires), its backends for cluster-wide entries whose node hints
// (PreferSameNode) give it a set other than its zone's (topology.ts), and its HostPorts, with
// their Maglev tables. Local sets are built from the backends' nodes, so they grow with
// backends + nodes, never services × nodes; zone-narrowed sets live once per zone, not per node.

import type { Family } from '../model/address.ts';
import type { ModelNode } from '../model/types.ts';
import { maglevTable } from './maglev.ts';
import { subsetOrder } from './slot-order.ts';
import type { TopologyHints } from './topology.ts';
import type { LbUnit, MaglevTable, NodeEntry, NodeTable, ServiceEntry, UnitBackend } from './types.ts';

export interface MaglevOptions {
  enabled: boolean;
  size: number;
}

/** Backends of one family of a unit grouped by node, each group in its own slot order. */
function byNode(backends: readonly UnitBackend[]): Map<string, UnitBackend[]> {
  const out = new Map<string, UnitBackend[]>();
  for (const b of backends) {
    if (b.node === undefined) continue;
    const list = out.get(b.node);
    if (list) list.push(b);
    else out.set(b.node, [b]);
  }
  for (const list of out.values()) if (list.length > 1) list.sort(subsetOrder);
  return out;
}

/** The Maglev table of a backend list: active backends, or the terminating ones when none is. */
export function maglevFor(unit: LbUnit, set: 'all' | 'local', family: Family, backends: readonly UnitBackend[], size: number): MaglevTable | undefined {
  const active = backends.filter((b) => !b.terminating);
  const chosen = active.length ? active : backends;
  if (chosen.length === 0) return undefined;
  return { unit, set, family, table: maglevTable(chosen.map((b) => b.backend), size) };
}

export function buildNodeTables(
  nodes: readonly ModelNode[],
  entries: readonly ServiceEntry[],
  hostPortEntries: readonly ServiceEntry[],
  maglev: MaglevOptions,
  hints: (list: UnitBackend[]) => TopologyHints,
): NodeTable[] {
  const tables = new Map<string, NodeTable>(nodes.map((node) => [node.name, { node, entries: [], maglev: [] }]));
  const groups = new Map<UnitBackend[], Map<string, UnitBackend[]>>();
  const maglevDone = new Set<string>();
  for (const entry of entries) {
    if (entry.set !== 'local') continue;
    const family = entry.frontend.address.family;
    const list = entry.unit.byFamily[family];
    let g = groups.get(list);
    if (!g) groups.set(list, (g = byNode(list)));
    for (const [node, backends] of g) {
      const t = tables.get(node);
      if (!t) continue;
      t.entries.push({ entry, backends });
      const key = `${node} ${entry.unit.id} ${family} local`;
      if (maglev.enabled && !maglevDone.has(key)) {
        maglevDone.add(key);
        const m = maglevFor(entry.unit, 'local', family, backends, maglev.size);
        if (m) t.maglev.push(m);
      }
    }
  }
  for (const entry of entries) {
    if (entry.set !== 'all') continue;
    const family = entry.frontend.address.family;
    const list = entry.unit.byFamily[family];
    const h = hints(list);
    if (!h.narrows) continue;
    for (const t of tables.values()) {
      const backends = h.forNode(t.node.name, t.node.zone, list);
      if (!backends) continue;
      t.entries.push({ entry, backends, topology: 'node' });
      // The node's own table under the cluster-wide table's key replaces it (and its zone's) on this node.
      const key = `${t.node.name} ${entry.unit.id} ${family} all`;
      if (maglev.enabled && !maglevDone.has(key)) {
        maglevDone.add(key);
        const m = maglevFor(entry.unit, 'all', family, backends, maglev.size);
        if (m) t.maglev.push(m);
      }
    }
  }
  for (const entry of hostPortEntries) {
    const t = tables.get(entry.frontend.node!);
    if (!t) continue;
    t.entries.push({ entry, backends: entry.unit.backends } satisfies NodeEntry);
    // A HostPort's entry is an `all` set like any other, so with Maglev the datapath looks its
    // backend up in a table: without one, the lookup misses and the pod gets no traffic. The
    // table lives on the HostPort's node, the only one with its service ID.
    if (maglev.enabled) {
      const family = entry.frontend.address.family;
      const m = maglevFor(entry.unit, 'all', family, entry.unit.byFamily[family], maglev.size);
      if (m) t.maglev.push(m);
    }
  }
  return [...tables.values()];
}
