// The compact format's trafficDistribution, turned into endpoint hints as the EndpointSlice
// controller turns a Service's into its slices' (KEP-4444, KEP-3015): PreferClose and
// PreferSameZone hint each backend for its own node's zone, PreferSameNode also for its own node.
// A backend without a node, or on a node without a zone, gets no zone hint, which (as in
// kube-proxy) turns zone hints off for the whole service. EndpointSlices bring their own hints.

import type { NodeDraft } from './drafts.ts';
import type { ServiceSpec } from './types.ts';

export function deriveTopologyHints(services: readonly ServiceSpec[], nodes: readonly NodeDraft[]): void {
  const zones = new Map(nodes.map((n) => [n.name, n.zone]));
  for (const s of services) {
    if (s.trafficDistribution === undefined) continue;
    for (const b of s.backends) {
      if (b.slice !== undefined || b.node === undefined) continue;
      const zone = zones.get(b.node);
      b.hints = {
        forZones: zone !== undefined ? [zone] : [],
        forNodes: s.trafficDistribution === 'PreferSameNode' ? [b.node] : [],
      };
    }
  }
}
