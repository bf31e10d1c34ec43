// A service port whose named targetPort no EndpointSlice resolves. The EndpointSlice controller
// resolves a named targetPort against each pod and lists the port only in slices whose pods have
// it, so a service with endpoints but no slice listing the port has no backends for it: a
// warning, since the inputs are what the cluster holds (in the compact format, where the backend
// lists its own ports, the same mistake is SY1052, an error).

import { codes } from './codes.ts';
import type { SpecCheck } from './checks.ts';
import { rangeOf } from './types.ts';

export const reportUnresolvedTargetPorts: SpecCheck = (spec, diags) => {
  for (const s of spec.services) {
    const fromSlices = s.backends.filter((b) => b.slice !== undefined);
    if (fromSlices.length === 0) continue;
    for (const p of s.ports) {
      if (typeof p.targetPort !== 'string') continue;
      if (fromSlices.some((b) => b.ports.some((q) => q.name === p.name && q.protocol === p.protocol))) continue;
      const slices = [...new Set(fromSlices.map((b) => b.slice!))].sort();
      diags.report(
        codes.SY1070,
        `service ${s.namespace}/${s.name}: port ${p.name || p.port}/${p.protocol} has targetPort "${p.targetPort}", which no EndpointSlice resolves (none lists port "${p.name}"); it has no backends`,
        rangeOf(p, 'targetPort'),
        [`the service's slices (${slices.join(', ')}) list other ports: check that its pods name a container port "${p.targetPort}"`],
      );
    }
  }
};
