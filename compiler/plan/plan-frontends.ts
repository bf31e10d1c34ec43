// Plan step `frontends`: every address and port each service port answers on (from the addresses
// and nodePorts just allocated), and each hostPort's, then the collisions between all of them.

import { hostPortFrontend, serviceFrontends, type Frontend } from '../model/frontends.ts';
import { reportFrontendCollisions, type OwnedFrontend } from './frontend-collisions.ts';
import type { PlanState } from './plan-state.ts';

export function planFrontends(s: PlanState): void {
  const { model } = s;
  const serviceFronts: Frontend[][][] = [];
  const owned: OwnedFrontend[] = [];
  for (const svc of model.services) {
    const addrs = {
      clusterIPs: s.clusterIPs!.get(svc.key) ?? [],
      loadBalancerIPs: s.loadBalancerIPs!.get(svc.key) ?? [],
      nodePorts: svc.ports.map((p) => s.ports!.nodePorts.get(p.key)),
    };
    const perPort = svc.ports.map((_, i) => serviceFrontends(svc, i, addrs));
    serviceFronts.push(perPort);
    for (const list of perPort) for (const frontend of list) owned.push({ frontend, owner: `service ${svc.key}` });
  }
  const hostFronts = model.hostPorts.map(hostPortFrontend);
  reportFrontendCollisions(
    owned,
    hostFronts.map((frontend, i) => {
      const h = model.hostPorts[i]!;
      return { frontend, owner: `hostPort ${h.port}/${h.protocol} on ${h.node}${h.pod ? ` (pod ${h.pod})` : ''}` };
    }),
    s.diags,
  );
  s.serviceFrontends = serviceFronts;
  s.owned = owned;
  s.hostFrontends = hostFronts;
}
