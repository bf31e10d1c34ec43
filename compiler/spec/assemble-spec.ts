// Joins what every input gave into one Spec: picks the cluster settings, fills the defaults that
// depend on them, attaches EndpointSlices to their services, derives the compact format's topology
// hints, and sorts everything so that the result does not depend on the order of files or documents.

import type { Diagnostics } from '../diagnostics.ts';
import { codes } from './codes.ts';
import { DEFAULT_DATAPATH, DEFAULT_DEVICES, DEFAULT_MAPS, DEFAULT_NODE_PORT_RANGE } from './defaults.ts';
import type { Collected, ServiceDraft } from './drafts.ts';
import type { InputFile } from './input-files.ts';
import { compareAddressText, parseIP, sortByAddress } from './ip.ts';
import { deriveTopologyHints } from './derive-topology-hints.ts';
import { missingClusterNotes } from './missing-cluster.ts';
import type { BackendPortSpec, ClusterSpec, HostPortSpec, ServiceSpec, Spec } from './types.ts';

export interface Assembled {
  spec: Spec;
  /** False when no input gave cluster settings: checks that need them are skipped, not cascaded. */
  hasCluster: boolean;
}

export function assembleSpec(c: Collected, files: InputFile[], diags: Diagnostics): Assembled {
  const chosen = c.clusters[0];
  for (const extra of c.clusters.slice(1)) {
    diags.report(codes.SY1034, 'cluster settings are given more than once; keep one cluster: document', extra.cluster.at, [
      `the first is at ${where(chosen!.cluster.at)}`,
    ]);
  }
  if (!chosen) {
    diags.report(codes.SY1035, 'no cluster settings in the inputs; add a cluster: document', c.firstDocument, missingClusterNotes(c));
  }
  if (c.nodes.length === 0) {
    diags.report(codes.SY1036, 'the inputs declare no nodes; add a nodes: list or Node manifests (kubectl get nodes -o yaml)', c.firstDocument);
  }
  const cluster = chosen?.cluster ?? placeholderCluster();
  const devices = chosen?.devices ?? [...DEFAULT_DEVICES];

  const services = c.services.map((s) => closeService(s, cluster));
  attachSlices(c, services, diags);
  deriveTopologyHints(services, c.nodes);

  const spec: Spec = {
    cluster,
    nodes: c.nodes.map((n) => ({ ...n, devices: n.devices ?? [...devices] })).sort((a, b) => cmp(a.name, b.name)),
    services: services.sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.name, b.name)),
    hostPorts: [...c.hostPorts].sort(compareHostPorts),
    serviceCIDRObjects: [...c.serviceCIDRObjects].sort((a, b) => cmp(a.name, b.name)),
    inputs: files.map((f) => ({ file: f.file, sha256: f.sha256 })),
  };
  for (const s of spec.services) {
    sortByAddress(s.backends, (b) => b.address);
    for (const b of s.backends) b.ports.sort(comparePorts);
  }
  return { spec, hasCluster: chosen !== undefined };
}

function closeService(s: ServiceDraft, cluster: ClusterSpec): ServiceSpec {
  // Families in the order of the addresses (de-duplicated: two of one family is SY1042's to report).
  const families = s.clusterIPs.length
    ? [...new Set(s.clusterIPs.map((ip) => (parseIP(ip).value?.family === 6 ? 'IPv6' : 'IPv4') as 'IPv4' | 'IPv6'))]
    : [cluster.serviceCIDRs.v4 || !cluster.serviceCIDRs.v6 ? 'IPv4' : 'IPv6'] as ('IPv4' | 'IPv6')[];
  return {
    ...s,
    ipFamilies: s.ipFamilies ?? families,
    affinityTimeoutSeconds: s.affinityTimeoutSeconds ?? cluster.datapath.affinityTimeoutSeconds,
    backends: [...s.backends],
  };
}

/**
 * EndpointSlices join their service by namespace and the kubernetes.io/service-name label. An
 * address listed by several slices stays one entry per slice: which one serves a port is the
 * model's choice (build.ts), made per port. Slices are taken in name order, so the spec does not
 * depend on the order of files or documents.
 */
function attachSlices(c: Collected, services: ServiceSpec[], diags: Diagnostics): void {
  const byKey = new Map<string, ServiceSpec>();
  for (const s of services) if (!byKey.has(`${s.namespace}/${s.name}`)) byKey.set(`${s.namespace}/${s.name}`, s);
  const slices = [...c.slices].sort((a, b) => cmp(a.namespace, b.namespace) || cmp(a.name, b.name));
  for (const slice of slices) {
    if (slice.service === undefined) {
      diags.report(codes.SY1064, `EndpointSlice ${slice.namespace}/${slice.name} has no kubernetes.io/service-name label; it is ignored`, slice.at, [
        'add the label naming its service, or leave the slice out of the inputs',
      ]);
      continue;
    }
    const key = `${slice.namespace}/${slice.service}`;
    const service = byKey.get(key);
    if (slice.skippedBy) {
      // Quiet when its service is skipped too (the label came from it), or absent.
      if (service) {
        diags.report(codes.SY1083, `EndpointSlice ${slice.namespace}/${slice.name} is labelled ${slice.skippedBy.label}, which kube-proxy does not read; its endpoints are no backends of service ${key}`, slice.skippedBy.at, [
          'the EndpointSlice controller copies these labels from the service; a slice made by hand should not carry them',
        ]);
      }
      continue;
    }
    if (!service) {
      if (!c.skippedServices.has(key)) {
        diags.report(codes.SY1064, `EndpointSlice ${slice.namespace}/${slice.name} is for service ${key}, which is not in the inputs; it is ignored`, slice.pos['service'] ?? slice.at);
      }
      continue;
    }
    for (const b of slice.backends) service.backends.push(b);
  }
}

function placeholderCluster(): ClusterSpec {
  return {
    at: { file: '', line: 0, col: 0 },
    pos: {},
    name: '',
    serviceCIDRs: {},
    nodePortRange: { ...DEFAULT_NODE_PORT_RANGE },
    loadBalancerPools: [],
    datapath: { ...DEFAULT_DATAPATH },
    maps: { ...DEFAULT_MAPS },
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePorts(a: BackendPortSpec, b: BackendPortSpec): number {
  return cmp(a.name, b.name) || cmp(a.protocol, b.protocol) || a.port - b.port;
}

function compareHostPorts(a: HostPortSpec, b: HostPortSpec): number {
  return cmp(a.node, b.node) || a.hostPort - b.hostPort || cmp(a.protocol, b.protocol)
    || compareAddressText(a.hostIP ?? '', b.hostIP ?? '') || compareAddressText(a.podAddress, b.podAddress);
}

function where(r: { file: string; line: number; col: number }): string {
  return `${r.file}:${r.line}:${r.col}`;
}
