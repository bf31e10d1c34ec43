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
// applies to it.

import type { UnitBackend } from './types.ts';

export type TopologyMode = 'node' | 'zone';

/** What the hints of one backend list allow, computed once per list and asked once per node. */
export class TopologyHints {
  private readonly ready: UnitBackend[];
  private readonly nodes?: Set<string>;
  private readonly zones?: Set<string>;
  private readonly byZone = new Map<string, UnitBackend[]>();

  constructor(backends: readonly UnitBackend[]) {
    this.ready = backends.filter((b) => !b.terminating);
    if (this.ready.length === 0) return;
    if (this.ready.every((b) => b.hints.forNodes.length > 0)) this.nodes = new Set(this.ready.flatMap((b) => b.hints.forNodes));
    if (this.ready.every((b) => b.hints.forZones.length > 0)) this.zones = new Set(this.ready.flatMap((b) => b.hints.forZones));
  }

  /** Whether any node could get a narrowed set (cheap: most lists have no hints). */
  get narrows(): boolean {
    return this.nodes !== undefined || this.zones !== undefined;
  }

  /** The node's backends where hints narrow them, else undefined: the node uses the whole list. */
  forNode(node: string, zone: string | undefined): { mode: TopologyMode; backends: UnitBackend[] } | undefined {
    if (this.nodes?.has(node)) return this.narrowed('node', this.ready.filter((b) => b.hints.forNodes.includes(node)));
    if (zone === undefined || !this.zones?.has(zone)) return undefined;
    let backends = this.byZone.get(zone);
    if (!backends) this.byZone.set(zone, (backends = this.ready.filter((b) => b.hints.forZones.includes(zone))));
    return this.narrowed('zone', backends);
  }

  /** Undefined when the hints keep every ready backend: the cluster-wide entry already says so. */
  private narrowed(mode: TopologyMode, backends: UnitBackend[]): { mode: TopologyMode; backends: UnitBackend[] } | undefined {
    return backends.length === this.ready.length ? undefined : { mode, backends };
  }
}
