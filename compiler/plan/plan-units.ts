// Plan step `units`: each service port and hostPort as a load-balancing unit with its IDs, its
// frontends and its backends in slot order (slot-order.ts: kept from the previous compile), and
// the cluster's backends, each once.

import type { Frontend } from '../model/frontends.ts';
import type { ModelBackend } from '../model/types.ts';
import type { PlanState } from './plan-state.ts';
import { slotOrder } from './slot-order.ts';
import type { LbUnit, PlannedBackend, PlannedFrontend, PlannedService, UnitBackend } from './types.ts';

export function planUnits(s: PlanState): void {
  const { model } = s;
  const idOf = s.idOf!;
  const backends = new Map<string, PlannedBackend>();
  const unitBackends = (key: string, list: readonly ModelBackend[]): Pick<LbUnit, 'backends' | 'byFamily'> => {
    const out: UnitBackend[] = [];
    for (const b of list) {
      const id = idOf.backend.get(b.key);
      if (id === undefined) continue;
      let pb = backends.get(b.key);
      if (!pb) {
        pb = { id, key: b.key, address: b.address, port: b.port, protocol: b.protocol, terminating: b.terminating };
        backends.set(b.key, pb);
      } else if (!b.terminating) {
        pb.terminating = false;
      }
      out.push({ backend: pb, node: b.node, terminating: b.terminating, hints: b.spec.hints });
    }
    // The spec refuses a backend twice in one service (SY1037), but two spellings of one
    // address would meet here: keep the first (active before terminating, as slots go).
    out.sort((a, b) => (a.terminating === b.terminating ? a.backend.id - b.backend.id : a.terminating ? 1 : -1));
    let n = 0;
    for (let i = 0; i < out.length; i++) {
      const b = out[i]!;
      if (n > 0 && out[n - 1]!.backend === b.backend) continue;
      out[n++] = b;
    }
    out.length = n;
    // Slots keep their backends from the previous compile (slot-order.ts).
    const order = slotOrder(out, s.previous.slots.get(key));
    if (order.length > 1) s.next.slots.set(key, order.map((b) => b.backend.id));
    let v6 = 0;
    for (const b of order) if (b.backend.address.family === 6) v6++;
    if (v6 === 0) return { backends: order, byFamily: { 4: order, 6: [] } };
    if (v6 === n) return { backends: order, byFamily: { 4: [], 6: order } };
    return { backends: order, byFamily: { 4: order.filter((b) => b.backend.address.family === 4), 6: order.filter((b) => b.backend.address.family === 6) } };
  };
  const plannedFrontend = (f: Frontend): PlannedFrontend => ({ ...f, revNatId: idOf.revnat.get(f.key) ?? 0 });

  s.services = model.services.map((svc, si) => {
    const planned: PlannedService = {
      key: svc.key,
      namespace: svc.namespace,
      name: svc.name,
      type: svc.type,
      clusterIPs: s.clusterIPs!.get(svc.key) ?? [],
      loadBalancerIPs: s.loadBalancerIPs!.get(svc.key) ?? [],
      externalIPs: svc.externalIPs,
      healthCheckNodePort: s.ports!.healthCheckNodePorts.get(svc.key),
      units: [],
      model: svc,
    };
    planned.units = svc.ports.map((p, pi) => ({
      id: idOf.service.get(p.key) ?? 0,
      key: p.key,
      service: planned,
      name: p.name,
      protocol: p.protocol,
      port: p.port,
      nodePort: s.ports!.nodePorts.get(p.key),
      frontends: s.serviceFrontends![si]![pi]!.map(plannedFrontend),
      ...unitBackends(p.key, p.backends),
    }));
    return planned;
  });
  s.hostPorts = model.hostPorts.map((h, i) => ({
    id: idOf.service.get(h.key) ?? 0,
    key: h.key,
    hostPort: h,
    name: '',
    protocol: h.protocol,
    port: h.port,
    frontends: [plannedFrontend(s.hostFrontends![i]!)],
    ...unitBackends(h.key, [h.backend]),
  }));
  s.backends = backends;
}
