// Which port a backend serves a service port on. An EndpointSlice's endpoint serves exactly the
// ports its slice lists, matched by the service port's name and protocol, as kube-proxy matches
// them: the controller has already resolved targetPort, so there is nothing to fall back to. A
// compact-format backend matches its own named ports the same way, else takes a numeric
// targetPort, or a named one through a backend port of that name.

import type { BackendSpec, ServicePortSpec } from '../spec/types.ts';

export function resolveBackendPort(servicePort: ServicePortSpec, backend: BackendSpec): number | undefined {
  for (const p of backend.ports) {
    if (p.name === servicePort.name && p.protocol === servicePort.protocol) return p.port;
  }
  if (backend.slice !== undefined) return undefined;
  if (typeof servicePort.targetPort === 'number') return servicePort.targetPort;
  for (const p of backend.ports) {
    if (p.name === servicePort.targetPort && p.protocol === servicePort.protocol) return p.port;
  }
  return undefined;
}
