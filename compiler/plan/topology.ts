// Topology: the backends one node uses for a cluster-wide (non-Local) backend set, after the
// endpoints' hints, as kube-proxy decides per node (KEP-2433 topology aware hints, KEP-4444
// trafficDistribution, KEP-3015 PreferSameNode). kube-proxy reads only the hints, never the
// Service's trafficDistribution or topology annotations: the EndpointSlice controller turns those
// into hints. Only ready endpoints count, and a set is narrowed only when every one is hinted:
//   1. every ready endpoint has forNodes and one names this node: those naming it;
//   2. else, the node has a zone, every ready endpoint has forZones and one names that zone:
//      those naming it;
//   3. else all of them (hints in transition, a node without a zone, a zone nobody serves).
// A narrowed set is never empty, so the terminating fallback (which ignores topology) never
// applies to it. Rule 2 gives every node of a zone the same set, so it is asked per zone (the
// zone layer of map contents), and rule 1 per node only where it changes that answer.

import { subsetOrder } from './slot-order.ts';
import type { UnitBackend } from './types.ts';

export type TopologyMode = 'node' | 'zone';

/** What the hints of one backend list allow, computed once per list, asked per zone and per node. */
export class TopologyHints {
  private readonly ready: UnitBackend[];
  private readonly nodes?: Set<string>;
  private readonly zones?: Set<string>;
  private readonly byZone = new Map<string, UnitBackend[]>();

  constructor(backends: readonly UnitBackend[]) {
    // In the subsets' own order (slot-order.ts): a zone's or node's slots follow its members only.
    this.ready = backends.filter((b) => !b.terminating).sort(subsetOrder);
    if (this.ready.length === 0) return;
    if (this.ready.every((b) => b.hints.forNodes.length > 0)) this.nodes = new Set(this.ready.flatMap((b) => b.hints.forNodes));
    if (this.ready.every((b) => b.hints.forZones.length > 0)) this.zones = new Set(this.ready.flatMap((b) => b.hints.forZones));
  }

  /** Whether any node could get a narrowed set (cheap: most lists have no hints). */
  get narrows(): boolean {
    return this.nodes !== undefined || this.zones !== undefined;
  }

  /**
   * The backends every node of `zone` uses where zone hints narrow them (rule 2), else
   * undefined: the cluster-wide list. Nodes with node hints may still differ (forNode).
   */
  forZone(zone: string | undefined): UnitBackend[] | undefined {
    if (zone === undefined || !this.zones?.has(zone)) return undefined;
    let backends = this.byZone.get(zone);
    if (!backends) this.byZone.set(zone, (backends = this.ready.filter((b) => b.hints.forZones.includes(zone))));
    return backends.length === this.ready.length ? undefined : backends;
  }

  /**
   * The node's backends where they differ from its zone's (forZone, or the cluster-wide list
   * where the zone's hints do not narrow it), else undefined. Only node hints (rule 1) can make
   * them differ; where they keep every ready backend, the node uses the whole list even when
   * its zone is narrowed, so then the whole list it is.
   */
  forNode(node: string, zone: string | undefined, all: readonly UnitBackend[]): UnitBackend[] | undefined {
    if (!this.nodes?.has(node)) return undefined;
    const own = this.ready.filter((b) => b.hints.forNodes.includes(node));
    const mine = own.length === this.ready.length ? all : own;
    const below = this.forZone(zone) ?? all;
    return sameBackends(mine, below) ? undefined : [...mine];
  }
}

function sameBackends(a: readonly UnitBackend[], b: readonly UnitBackend[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** One TopologyHints per backend list, shared by the zone and node layers of one plan. */
export function topologyHintsCache(): (list: UnitBackend[]) => TopologyHints {
  const cache = new Map<UnitBackend[], TopologyHints>();
  return (list) => {
    let h = cache.get(list);
    if (!h) cache.set(list, (h = new TopologyHints(list)));
    return h;
  };
}
