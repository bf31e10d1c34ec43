// Builds the service model from a validated Spec: addresses parsed once, backend ports resolved
// per service port (one entry per address:port), backend readiness reduced to
// serving/terminating, output sorted by key.

import { loadBalancerStatusIPs, NO_HINTS, servedByPools, serviceFamilies, type BackendSpec, type Spec } from '../spec/types.ts';
import { formatHostPort, mustParseAddress, mustParseCidr, wildcardAddress, type Address, type Family } from './address.ts';
import { resolveBackendPort } from './backend-port.ts';
import { compareEndpoints, servingState } from './choose-endpoint.ts';
import type { Model, ModelBackend, ModelHostPort, ModelNode, ModelService, ModelServicePort } from './types.ts';

/** `addr:port/PROTO`: the identity of a backend, and the text every table prints. */
export function endpointKey(address: Address, port: number, protocol: string): string {
  return `${formatHostPort(address, port)}/${protocol}`;
}

const byKey = <T extends { key: string }>(a: T, b: T): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export function buildModel(spec: Spec): Model {
  const addressCache = new Map<string, Address>();
  const addr = (text: string): Address => {
    let a = addressCache.get(text);
    if (!a) addressCache.set(text, (a = mustParseAddress(text)));
    return a;
  };

  const nodes: ModelNode[] = spec.nodes
    .map((n) => ({
      name: n.name,
      addresses: n.addresses.map(addr),
      podCIDRs: n.podCIDRs.map((c) => mustParseCidr(c)),
      devices: [...n.devices],
      zone: n.zone,
      spec: n,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const services: ModelService[] = spec.services.map((s) => {
    const key = `${s.namespace}/${s.name}`;
    const clusterIPs = s.clusterIPs.map(addr);
    const families: Family[] = serviceFamilies(s);
    // An address of a family the service has no endpoints in answers nothing in kube-proxy
    // either (each family's proxier ignores the other's), and an endpoint of a family it has no
    // ClusterIP of is no family's backend; the spec warns about both (SY1049).
    const ofItsFamilies = (a: Address): boolean => families.includes(a.family);
    const ports: ModelServicePort[] = s.ports.map((p) => {
      // One entry per address:port, the preferred one where slices disagree (choose-endpoint.ts).
      const chosen = new Map<string, { spec: BackendSpec; port: number }>();
      for (const b of s.backends) {
        // A backend of a family the service has no ClusterIP of serves nothing (SY1049).
        if (!ofItsFamilies(addr(b.address))) continue;
        const port = resolveBackendPort(p, b);
        if (port === undefined) continue;
        const key = `${b.address} ${port}`;
        const seen = chosen.get(key);
        if (!seen || compareEndpoints(b, seen.spec) < 0) chosen.set(key, { spec: b, port });
      }
      const backends: ModelBackend[] = [];
      for (const { spec: b, port } of chosen.values()) {
        const state = servingState(b);
        if (!state) continue;
        const address = addr(b.address);
        backends.push({
          address,
          port,
          protocol: p.protocol,
          node: b.node,
          terminating: state === 'terminating',
          key: endpointKey(address, port, p.protocol),
          spec: b,
        });
      }
      return {
        name: p.name,
        protocol: p.protocol,
        port: p.port,
        nodePort: p.nodePort,
        backends,
        key: `${key}:${p.name || p.port}/${p.protocol}`,
        spec: p,
      };
    });
    const hasNodePorts = s.type === 'NodePort' || s.type === 'LoadBalancer';
    const isLB = s.type === 'LoadBalancer';
    const status = isLB && s.loadBalancerIngress !== undefined;
    const fromPools = isLB && !status && servedByPools(s, spec.cluster);
    return {
      key,
      namespace: s.namespace,
      name: s.name,
      type: s.type,
      clusterIPs,
      families,
      externalIPs: s.externalIPs.map(addr).filter(ofItsFamilies),
      loadBalancerIPs: fromPools ? s.loadBalancerIPs.map(addr).filter(ofItsFamilies) : [],
      pool: s.loadBalancerPool,
      assignedIPs: status ? loadBalancerStatusIPs(s).map((a) => ({ address: addr(a.ip), range: a.range })) : undefined,
      fromPools,
      ports,
      hasNodePorts,
      // The API only lets a LoadBalancer service turn allocation off.
      allocateNodePorts: !isLB || s.allocateLoadBalancerNodePorts,
      externalSet: s.externalTrafficPolicy === 'Local' ? 'local' : 'all',
      internalSet: s.internalTrafficPolicy === 'Local' ? 'local' : 'all',
      affinityTimeout: s.sessionAffinity === 'ClientIP' ? s.affinityTimeoutSeconds : undefined,
      // Once each: "10.0.0.0/8" and "010.0.0.0/8" are one range (kube-proxy writes a rule per
      // entry, where a repeat is harmless; a map key may appear only once).
      sourceRanges: [...new Set(s.loadBalancerSourceRanges)].map((c) => mustParseCidr(c)),
      healthCheckNodePort: s.healthCheckNodePort,
      // The API server allocates a healthCheckNodePort to LoadBalancer services only (a NodePort
      // service with the Local policy has none, so kube-proxy serves none for it).
      needsHealthCheck: s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local',
      spec: s,
    };
  });

  const hostPorts: ModelHostPort[] = spec.hostPorts.map((h) => {
    const podAddress = addr(h.podAddress);
    const address = h.hostIP !== undefined ? addr(h.hostIP) : wildcardAddress(podAddress.family);
    const wildcard = h.hostIP === undefined;
    const backend: ModelBackend = {
      address: podAddress,
      port: h.podPort,
      protocol: h.protocol,
      node: h.node,
      terminating: false,
      key: endpointKey(podAddress, h.podPort, h.protocol),
      spec: { at: h.at, pos: h.pos, address: h.podAddress, node: h.node, ports: [], ready: true, serving: true, terminating: false, hints: NO_HINTS },
    };
    return {
      node: h.node,
      address,
      wildcard,
      port: h.hostPort,
      protocol: h.protocol,
      backend,
      key: `${h.node}/${endpointKey(address, h.hostPort, h.protocol)}`,
      pod: h.pod,
      spec: h,
    };
  });

  return {
    cluster: spec.cluster,
    serviceCIDRs: {
      v4: spec.cluster.serviceCIDRs.v4 !== undefined ? mustParseCidr(spec.cluster.serviceCIDRs.v4) : undefined,
      v6: spec.cluster.serviceCIDRs.v6 !== undefined ? mustParseCidr(spec.cluster.serviceCIDRs.v6) : undefined,
    },
    nodes,
    services: services.sort(byKey),
    hostPorts: hostPorts.sort(byKey),
  };
}
