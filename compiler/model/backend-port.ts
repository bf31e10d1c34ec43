// Which port a backend serves a service port on: the backend's named port matching the service
// port's name (as an EndpointSlice lists it), else a numeric targetPort. A backend that has
// neither does not serve that port, as Kubernetes leaves such a pod out of the port's endpoints.

import type { BackendSpec, ServicePortSpec } from '../spec/types.ts';

export function resolveBackendPort(servicePort: ServicePortSpec, backend: BackendSpec): number | undefined {
  for (const p of backend.ports) {
    if (p.name === servicePort.name && p.protocol === servicePort.protocol) return p.port;
  }
  if (typeof servicePort.targetPort === 'number') return servicePort.targetPort;
  // A named targetPort resolves only through a backend port of that name.
  for (const p of backend.ports) {
    if (p.name === servicePort.targetPort && p.protocol === servicePort.protocol) return p.port;
  }
  return undefined;
}
