// A cluster whose services all carry zone hints, the case that once cost services × nodes:
// `services` ClusterIP services × 6 backends spread over `nodes` nodes in `zones` zones, each
// backend hinted for its node's zone (what the EndpointSlice controller writes for PreferClose).
// Shared by the growth test and by measurements quoted in reviews.

import type { Spec } from '../../compiler/spec/types.ts';
import { backend, node, service, spec } from '../plan/helpers.ts';

export const BACKENDS_PER_SERVICE = 6;

export function hintedSpec(o: { nodes: number; services: number; zones: number; zoneOf?: (i: number) => string }): Spec {
  const zoneOf = o.zoneOf ?? ((i: number) => `zone-${i % o.zones}`);
  const nodes = Array.from({ length: o.nodes }, (_, i) => node(`node${i + 1}`, [`10.0.${(i + 1) >> 8}.${(i + 1) & 255}`], [], { zone: zoneOf(i) }));
  const services = Array.from({ length: o.services }, (_, s) =>
    service(`ns${s % 4}/svc${String(s).padStart(3, '0')}`, {
      backends: Array.from({ length: BACKENDS_PER_SERVICE }, (_, b) => {
        // Consecutive nodes, so that each zone holds some of every service's backends.
        const n = (s * BACKENDS_PER_SERVICE + b) % o.nodes;
        return backend(`10.${64 + (s >> 8)}.${s & 255}.${b + 1}`, `node${n + 1}`, { hints: { forZones: [zoneOf(n)], forNodes: [] } });
      }),
    }),
  );
  return spec({ nodes, services });
}
