// A service of the compact format: ports, addresses, policies and inline backends, whose ports
// are derived from the service's numeric targetPorts unless the backend lists its own.

import { codes } from './codes.ts';
import { DEFAULT_NAMESPACE, MAX_AFFINITY_TIMEOUT } from './defaults.ts';
import type { ServiceDraft } from './drafts.ts';
import type { ValueReader } from './map-reader.ts';
import { readName } from './names.ts';
import { NO_HINTS, TRAFFIC_DISTRIBUTIONS, type BackendPortSpec, type BackendSpec, type ServicePortSpec } from './types.ts';

const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer'] as const;
const POLICIES = ['Cluster', 'Local'] as const;

export function readCompactService(v: ValueReader): ServiceDraft | undefined {
  const m = v.map();
  if (!m) return undefined;
  const name = readName(m.field('name', { required: true }), 'service') ?? '';
  const namespace = readName(m.field('namespace'), 'namespace') ?? DEFAULT_NAMESPACE;
  const ports = m.list('ports', readPort, { required: true }) ?? [];
  const backends = m.list('backends', (b) => readBackend(b, ports)) ?? [];
  const service: ServiceDraft = {
    at: m.at,
    pos: m.pos,
    namespace,
    name,
    type: m.oneOf('type', SERVICE_TYPES) ?? 'ClusterIP',
    clusterIPs: m.ipList('clusterIPs') ?? [],
    ipFamilies: m.list('ipFamilies', (f) => f.oneOf(['IPv4', 'IPv6'] as const)),
    externalIPs: m.ipList('externalIPs') ?? [],
    loadBalancerIPs: m.ipList('loadBalancerIPs') ?? [],
    loadBalancerPool: m.string('loadBalancerPool'),
    allocateLoadBalancerNodePorts: true,
    ports,
    externalTrafficPolicy: m.oneOf('externalTrafficPolicy', POLICIES) ?? 'Cluster',
    internalTrafficPolicy: m.oneOf('internalTrafficPolicy', POLICIES) ?? 'Cluster',
    trafficDistribution: m.oneOf('trafficDistribution', TRAFFIC_DISTRIBUTIONS),
    sessionAffinity: m.oneOf('sessionAffinity', ['None', 'ClientIP'] as const) ?? 'None',
    affinityTimeoutSeconds: m.integer('affinityTimeoutSeconds', 1, MAX_AFFINITY_TIMEOUT),
    loadBalancerSourceRanges: m.cidrList('loadBalancerSourceRanges') ?? [],
    healthCheckNodePort: m.port('healthCheckNodePort'),
    backends,
  };
  m.done();
  return service;
}

function readPort(v: ValueReader): ServicePortSpec | undefined {
  const m = v.map();
  if (!m) return undefined;
  const port = m.port('port', { required: true });
  const p: ServicePortSpec = {
    at: m.at,
    pos: m.pos,
    name: m.string('name') ?? '',
    protocol: m.protocol('protocol') ?? 'TCP',
    port: port ?? 0,
    targetPort: m.field('targetPort')?.portOrName() ?? port ?? 0,
    nodePort: m.port('nodePort'),
  };
  m.done();
  return port === undefined ? undefined : p;
}

function readBackend(v: ValueReader, servicePorts: ServicePortSpec[]): BackendSpec | undefined {
  const m = v.map();
  if (!m) return undefined;
  const address = m.ip('address', { required: true });
  const ready = m.boolean('ready') ?? true;
  const own = m.list('ports', readBackendPort);
  const named = servicePorts.find((p) => typeof p.targetPort === 'string');
  if (own === undefined && named) {
    // A named targetPort can only be resolved from the backend's own port list.
    v.report(codes.SY1052, `the service's targetPort "${named.targetPort}" names a backend port, but this backend lists no ports`, [
      `give it ports, e.g. ports: [{name: ${named.name || '""'}, port: 8080}], or make targetPort a number`,
    ]);
  }
  const b: BackendSpec = {
    at: m.at,
    pos: m.pos,
    address: address ?? '',
    node: readName(m.field('node'), 'node'),
    ports: own ?? derivePorts(servicePorts),
    ready,
    serving: m.boolean('serving') ?? true,
    terminating: m.boolean('terminating') ?? false,
    hints: NO_HINTS,
  };
  m.done();
  return address === undefined ? undefined : b;
}

function readBackendPort(v: ValueReader): BackendPortSpec | undefined {
  const m = v.map();
  if (!m) return undefined;
  const port = m.port('port', { required: true });
  const out = { name: m.string('name') ?? '', protocol: m.protocol('protocol') ?? 'TCP', port: port ?? 0 };
  m.done();
  return port === undefined ? undefined : out;
}

/** One backend port per service port with a numeric targetPort, named as the service port is. */
function derivePorts(servicePorts: ServicePortSpec[]): BackendPortSpec[] {
  const out: BackendPortSpec[] = [];
  for (const p of servicePorts) {
    if (typeof p.targetPort !== 'number') continue;
    if (out.some((o) => o.name === p.name && o.protocol === p.protocol)) continue;
    out.push({ name: p.name, protocol: p.protocol, port: p.targetPort });
  }
  return out;
}
