// Frontends: the (address, port, protocol) triples a service answers on, each with its kind.
// A LoadBalancer service also answers on its NodePort and ClusterIP with the same backends
// (the talk), and NodePorts are wildcard entries (address 0) that every local address matches.

import type { SourceRange } from '../diagnostics.ts';
import { rangeOf, type Protocol } from '../spec/types.ts';
import { wildcardAddress, type Address } from './address.ts';
import { endpointKey } from './build.ts';
import type { FrontendKind, ModelHostPort, ModelService } from './types.ts';

export interface Frontend {
  kind: FrontendKind;
  /** All zeros for a wildcard entry. */
  address: Address;
  wildcard: boolean;
  port: number;
  protocol: Protocol;
  /** HostPort frontends exist on one node only. */
  node?: string;
  /** `addr:port/PROTO`, prefixed by `node/` for HostPorts: the reverse-NAT lock key. */
  key: string;
  /** The spec text that put this frontend here, for collision diagnostics. */
  range: SourceRange;
}

/** What the plan allocated (or the spec fixed) for one service. */
export interface ServiceAddresses {
  clusterIPs: Address[];
  loadBalancerIPs: Address[];
  /** Per port index; undefined on a ClusterIP service. */
  nodePorts: (number | undefined)[];
}

const KIND_ORDER: Record<FrontendKind, number> = { ClusterIP: 0, NodePort: 1, ExternalIP: 2, LoadBalancer: 3, HostPort: 4 };

export function compareFrontends(a: Frontend, b: Frontend): number {
  return KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.address.family - b.address.family || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** The frontends of port `portIndex` of a service, in kind order, v4 before v6. */
export function serviceFrontends(svc: ModelService, portIndex: number, addrs: ServiceAddresses): Frontend[] {
  const p = svc.ports[portIndex]!;
  const out: Frontend[] = [];
  const add = (kind: FrontendKind, address: Address, port: number, range: SourceRange, wildcard = false): void => {
    out.push({ kind, address, wildcard, port, protocol: p.protocol, key: endpointKey(address, port, p.protocol), range });
  };
  const portRange = rangeOf(p.spec, 'port');
  addrs.clusterIPs.forEach((a, i) => add('ClusterIP', a, p.port, svc.clusterIPs.length ? rangeOf(svc.spec, `clusterIPs.${i}`) : portRange));
  const nodePort = addrs.nodePorts[portIndex];
  if (svc.hasNodePorts && nodePort !== undefined) {
    const range = p.nodePort !== undefined ? rangeOf(p.spec, 'nodePort') : portRange;
    for (const family of new Set(addrs.clusterIPs.map((a) => a.family))) add('NodePort', wildcardAddress(family), nodePort, range, true);
  }
  svc.externalIPs.forEach((a, i) => add('ExternalIP', a, p.port, rangeOf(svc.spec, `externalIPs.${i}`)));
  addrs.loadBalancerIPs.forEach((a, i) => {
    const range = svc.assignedIPs?.find((s) => s.address.text === a.text)?.range
      ?? (svc.loadBalancerIPs.length ? rangeOf(svc.spec, `loadBalancerIPs.${i}`) : rangeOf(svc.spec, 'type'));
    add('LoadBalancer', a, p.port, range);
  });
  return out.sort(compareFrontends);
}

export function hostPortFrontend(h: ModelHostPort): Frontend {
  return {
    kind: 'HostPort',
    address: h.address,
    wildcard: h.wildcard,
    port: h.port,
    protocol: h.protocol,
    node: h.node,
    key: h.key,
    range: rangeOf(h.spec, 'hostPort'),
  };
}
