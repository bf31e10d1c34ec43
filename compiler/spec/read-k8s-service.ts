// A v1 Service: type, addresses, ports and policies from spec; its load-balancer fields, status
// included, are read-k8s-load-balancer.ts's. Headless and ExternalName services have nothing to
// balance and are skipped with a warning.

import type { SourceRange } from '../diagnostics.ts';
import { codes } from './codes.ts';
import { MAX_AFFINITY_TIMEOUT } from './defaults.ts';
import type { Collected, ServiceDraft } from './drafts.ts';
import type { MapReader, ValueReader } from './map-reader.ts';
import { readLoadBalancerStatus, readRequestedLoadBalancer } from './read-k8s-load-balancer.ts';
import type { Metadata } from './read-manifest.ts';
import { labelKubeProxySkips } from './proxy-labels.ts';
import { TRAFFIC_DISTRIBUTIONS, type Protocol, type ServicePortSpec, type TrafficDistribution } from './types.ts';

const TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;
const POLICIES = ['Cluster', 'Local'] as const;

/** Fields of ServiceSpec that change nothing in the datapath; read by kube-controller-manager and friends. */
const IGNORED = ['selector', 'publishNotReadyAddresses', 'ipFamilyPolicy'];

export function readK8sService(m: MapReader, meta: Metadata, out: Collected): void {
  const key = `${meta.namespace}/${meta.name}`;
  const skip = labelKubeProxySkips(meta);
  if (skip) {
    m.ctx.diags.report(codes.SY1083, `Service ${key} ${skip.why}: kube-proxy leaves services labelled ${skip.label} alone, and so does Switchyard; skipped`, meta.pos[`labels.${skip.key}`] ?? meta.at, [
      'remove the label if Switchyard should balance this service',
    ]);
    out.skippedServices.add(key);
    m.ignore('spec', 'status');
    return;
  }
  const spec = m.map('spec', { required: true });
  if (!spec) return;
  const type = spec.oneOf('type', TYPES) ?? 'ClusterIP';
  // kubectl prints both clusterIP and clusterIPs; clusterIPs wins, and "" means "allocate".
  const clusterIPField = spec.has('clusterIPs') ? 'clusterIPs' : 'clusterIP';
  const ipValues = clusterIPField === 'clusterIPs'
    ? spec.field('clusterIPs')?.list((v) => v) ?? []
    : [spec.field('clusterIP')].filter((v): v is ValueReader => v !== undefined);
  const rawClusterIPs = ipValues.map((v) => v.string());
  spec.ignore('clusterIP', 'externalName');

  if (type === 'ExternalName' || rawClusterIPs.includes('None')) {
    const [code, why] = type === 'ExternalName'
      ? [codes.SY1062, 'is an ExternalName service (a DNS alias)'] as const
      : [codes.SY1061, 'is headless (clusterIP: None): clients resolve its pods through DNS'] as const;
    m.ctx.diags.report(code, `Service ${key} ${why}; nothing to balance, skipped`, spec.pos['type'] ?? spec.pos[clusterIPField] ?? meta.at);
    out.skippedServices.add(key);
    m.ignore('status');
    spec.ignoreRest();
    spec.done();
    return;
  }

  const s: ServiceDraft = {
    at: meta.at,
    pos: { name: meta.at },
    namespace: meta.namespace,
    name: meta.name,
    type,
    clusterIPs: [],
    ipFamilies: spec.list('ipFamilies', (f) => f.oneOf(['IPv4', 'IPv6'] as const)),
    externalIPs: spec.ipList('externalIPs') ?? [],
    loadBalancerIPs: [],
    ports: spec.list('ports', (p) => readPort(p, type), { required: true }) ?? [],
    externalTrafficPolicy: spec.oneOf('externalTrafficPolicy', POLICIES) ?? 'Cluster',
    internalTrafficPolicy: spec.oneOf('internalTrafficPolicy', POLICIES) ?? 'Cluster',
    trafficDistribution: readTrafficDistribution(spec),
    sessionAffinity: spec.oneOf('sessionAffinity', ['None', 'ClientIP'] as const) ?? 'None',
    affinityTimeoutSeconds: readAffinityTimeout(spec),
    loadBalancerSourceRanges: spec.list('loadBalancerSourceRanges', (v) => v.legacyCidr()) ?? [],
    healthCheckNodePort: spec.port('healthCheckNodePort'),
    allocateLoadBalancerNodePorts: spec.boolean('allocateLoadBalancerNodePorts') ?? true,
    backends: [],
  };
  ipValues.forEach((v, i) => {
    if (rawClusterIPs[i] === undefined || rawClusterIPs[i] === '') return;
    const ip = v.ip();
    if (ip === undefined) return;
    s.pos[`clusterIPs.${s.clusterIPs.length}`] = v.range;
    s.clusterIPs.push(ip);
  });
  for (const f of ['type', 'ports', 'ipFamilies', 'externalIPs', 'externalTrafficPolicy', 'internalTrafficPolicy', 'sessionAffinity', 'loadBalancerSourceRanges', 'healthCheckNodePort', 'allocateLoadBalancerNodePorts']) {
    copyPos(s.pos, spec.pos, f);
  }
  if (spec.pos[clusterIPField]) s.pos['clusterIPs'] = spec.pos[clusterIPField]!;
  readRequestedLoadBalancer(spec, meta, s);
  // The API server clears status when a service stops being a LoadBalancer; a stale one means nothing.
  if (type === 'LoadBalancer') readLoadBalancerStatus(m, s);
  else m.ignore('status');
  spec.ignore(...IGNORED);
  spec.done();
  out.services.push(s);
}

/**
 * Kept for the record only: kube-proxy reads the hints the EndpointSlice controller derived from
 * it, never the field (KEP-4444). A value newer than Switchyard reads as none.
 */
function readTrafficDistribution(spec: MapReader): TrafficDistribution | undefined {
  const v = spec.string('trafficDistribution');
  return (TRAFFIC_DISTRIBUTIONS as readonly string[]).includes(v ?? '') ? (v as TrafficDistribution) : undefined;
}

function copyPos(to: Record<string, SourceRange>, from: Record<string, SourceRange>, field: string): void {
  for (const [k, v] of Object.entries(from)) if (k === field || k.startsWith(`${field}.`)) to[k] = v;
}

function readPort(v: ValueReader, type: string): ServicePortSpec | undefined {
  const m = v.map();
  if (!m) return undefined;
  const port = m.port('port', { required: true });
  const protoField = m.field('protocol');
  let protocol: Protocol | undefined = 'TCP';
  if (protoField?.string() === 'SCTP') {
    protoField.report(codes.SY1066, 'SCTP is not supported by the datapath; this port is skipped');
    protocol = undefined;
  } else if (protoField) {
    protocol = protoField.protocol();
  }
  const p: ServicePortSpec = {
    at: m.at,
    pos: m.pos,
    name: m.string('name') ?? '',
    protocol: protocol ?? 'TCP',
    port: port ?? 0,
    targetPort: m.field('targetPort')?.portOrName() ?? port ?? 0,
    // The API server keeps no nodePort on a ClusterIP service; a stray one would mislead the plan.
    nodePort: type === 'ClusterIP' ? (m.ignore('nodePort'), undefined) : m.port('nodePort'),
  };
  m.ignore('appProtocol');
  m.done();
  return port === undefined || protocol === undefined ? undefined : p;
}

function readAffinityTimeout(spec: MapReader): number | undefined {
  const config = spec.map('sessionAffinityConfig');
  const clientIP = config?.map('clientIP');
  const timeout = clientIP?.integer('timeoutSeconds', 1, MAX_AFFINITY_TIMEOUT);
  clientIP?.done();
  config?.done();
  return timeout;
}
