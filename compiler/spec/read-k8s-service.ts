// A v1 Service: type, addresses, ports and policies from spec; load-balancer addresses and pool
// from spec.loadBalancerIP and MetalLB's annotations. Headless and ExternalName services have
// nothing to balance and are skipped with a warning. status (the LB IPs a live cluster assigned)
// is ignored: pools are allocated by the plan, and an address is pinned with the annotation.

import type { SourceRange } from '../diagnostics.ts';
import { codes } from './codes.ts';
import { MAX_AFFINITY_TIMEOUT } from './defaults.ts';
import type { Collected, ServiceDraft } from './drafts.ts';
import { formatIP, parseIP } from './ip.ts';
import type { MapReader, ValueReader } from './map-reader.ts';
import { quote } from './quote.ts';
import type { Metadata } from './read-manifest.ts';
import type { Protocol, ServicePortSpec } from './types.ts';

const TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;
const POLICIES = ['Cluster', 'Local'] as const;

/** MetalLB's annotations, old (metallb.universe.tf) and new (metallb.io) forms alike. */
const LB_IPS_ANNOTATIONS = ['metallb.universe.tf/loadBalancerIPs', 'metallb.io/loadBalancerIPs'];
const LB_POOL_ANNOTATIONS = ['metallb.universe.tf/address-pool', 'metallb.io/address-pool'];

/** Fields of ServiceSpec that change nothing in the datapath; read by kube-controller-manager and friends. */
const IGNORED = ['selector', 'publishNotReadyAddresses', 'allocateLoadBalancerNodePorts', 'loadBalancerClass', 'trafficDistribution', 'ipFamilyPolicy'];

export function readK8sService(m: MapReader, meta: Metadata, out: Collected): void {
  m.ignore('status');
  const spec = m.map('spec', { required: true });
  if (!spec) return;
  const key = `${meta.namespace}/${meta.name}`;
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
    sessionAffinity: spec.oneOf('sessionAffinity', ['None', 'ClientIP'] as const) ?? 'None',
    affinityTimeoutSeconds: readAffinityTimeout(spec),
    loadBalancerSourceRanges: spec.cidrList('loadBalancerSourceRanges') ?? [],
    healthCheckNodePort: spec.port('healthCheckNodePort'),
    backends: [],
  };
  ipValues.forEach((v, i) => {
    if (rawClusterIPs[i] === undefined || rawClusterIPs[i] === '') return;
    const ip = v.ip();
    if (ip === undefined) return;
    s.pos[`clusterIPs.${s.clusterIPs.length}`] = v.range;
    s.clusterIPs.push(ip);
  });
  for (const f of ['type', 'ports', 'ipFamilies', 'externalIPs', 'externalTrafficPolicy', 'internalTrafficPolicy', 'sessionAffinity', 'loadBalancerSourceRanges', 'healthCheckNodePort']) {
    copyPos(s.pos, spec.pos, f);
  }
  if (spec.pos[clusterIPField]) s.pos['clusterIPs'] = spec.pos[clusterIPField]!;
  readLoadBalancer(spec, meta, s);
  spec.ignore(...IGNORED);
  spec.done();
  out.services.push(s);
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

/** spec.loadBalancerIP and MetalLB's loadBalancerIPs annotation (comma-separated, one per family). */
function readLoadBalancer(spec: MapReader, meta: Metadata, s: ServiceDraft): void {
  const add = (text: string, at: SourceRange, what: string) => {
    const p = parseIP(text.trim());
    if (p.error !== undefined) {
      spec.ctx.diags.report(codes.SY1020, `Service ${s.namespace}/${s.name} ${what}: ${quote(text.trim())} is not an IP address: ${p.error}`, at);
      return;
    }
    const ip = formatIP(p.value);
    if (s.loadBalancerIPs.includes(ip)) return;
    s.pos[`loadBalancerIPs.${s.loadBalancerIPs.length}`] = at;
    s.loadBalancerIPs.push(ip);
  };
  const single = spec.field('loadBalancerIP');
  const text = single?.string();
  if (single && text) add(text, single.range, 'spec.loadBalancerIP');
  for (const a of LB_IPS_ANNOTATIONS) {
    const v = meta.annotations[a];
    if (v !== undefined) for (const part of v.split(',')) if (part.trim()) add(part, meta.pos[`annotations.${a}`]!, `annotation ${a}`);
  }
  if (s.loadBalancerIPs.length) s.pos['loadBalancerIPs'] = s.pos['loadBalancerIPs.0']!;
  for (const a of LB_POOL_ANNOTATIONS) {
    const v = meta.annotations[a];
    if (v === undefined) continue;
    s.loadBalancerPool ??= v.trim();
    s.pos['loadBalancerPool'] ??= meta.pos[`annotations.${a}`]!;
  }
}
