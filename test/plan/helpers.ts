// Builds Spec values directly, so model/plan/emit tests do not depend on the YAML front end.
// Every object gets a distinct fake source line, so diagnostics can be told apart.

import type {
  BackendSpec,
  ClusterSpec,
  HostPortSpec,
  NodeSpec,
  ServicePortSpec,
  ServiceSpec,
  Spec,
} from '../../compiler/spec/types.ts';
import type { SourceRange } from '../../compiler/diagnostics.ts';
import type { NodeEntry, Plan } from '../../compiler/plan/types.ts';

let line = 0;
export function at(file = 'test.yaml'): SourceRange {
  return { file, line: ++line, col: 1 };
}

export function cluster(over: Partial<ClusterSpec> = {}): ClusterSpec {
  return {
    at: at(),
    pos: {},
    name: 'test',
    serviceCIDRs: { v4: '10.5.0.0/16', v6: 'fd00:5::/108' },
    nodePortRange: { min: 30000, max: 32767 },
    loadBalancerPools: [{ at: at(), pos: {}, name: 'onprem', addresses: ['10.3.0.0/24'], default: true }],
    datapath: {
      forwarding: 'snat',
      algorithm: 'random',
      maglevTableSize: 16381,
      northSouthHook: 'tc',
      hairpin: false,
      affinityTimeoutSeconds: 10800,
      externalIPsInCluster: false,
    },
    maps: {
      services: 262144,
      backends: 262144,
      reverseNat: 65535,
      affinity: 65536,
      conntrack: 262144,
      sockReverseNat: 262144,
      sourceRanges: 4096,
      backendsPerService: 128,
    },
    ...over,
  };
}

export function node(name: string, addresses: string[], podCIDRs: string[] = [], over: Partial<NodeSpec> = {}): NodeSpec {
  return { at: at(), pos: {}, name, addresses, podCIDRs, devices: ['eth0'], ...over };
}

export function backend(address: string, node?: string, over: Partial<BackendSpec> = {}): BackendSpec {
  return { at: at(), pos: {}, address, node, ports: [], ready: true, serving: true, terminating: false, hints: { forZones: [], forNodes: [] }, ...over };
}

export function port(port: number, over: Partial<ServicePortSpec> = {}): ServicePortSpec {
  return { at: at(), pos: {}, name: '', protocol: 'TCP', port, targetPort: port, ...over };
}

export function service(key: string, over: Partial<ServiceSpec> = {}): ServiceSpec {
  const [namespace, name] = key.split('/') as [string, string];
  return {
    at: at(),
    pos: {},
    namespace,
    name,
    type: 'ClusterIP',
    clusterIPs: [],
    ipFamilies: ['IPv4'],
    externalIPs: [],
    loadBalancerIPs: [],
    ports: [port(80, { targetPort: 8080 })],
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    sessionAffinity: 'None',
    affinityTimeoutSeconds: 10800,
    loadBalancerSourceRanges: [],
    allocateLoadBalancerNodePorts: true,
    backends: [],
    ...over,
  };
}

export function hostPort(nodeName: string, hostPortNumber: number, podAddress: string, podPort: number, over: Partial<HostPortSpec> = {}): HostPortSpec {
  return { at: at(), pos: {}, node: nodeName, hostPort: hostPortNumber, protocol: 'TCP', podAddress, podPort, ...over };
}

export function spec(parts: Partial<Spec> = {}): Spec {
  return {
    cluster: parts.cluster ?? cluster(),
    nodes: parts.nodes ?? [node('node1', ['10.0.0.1']), node('node2', ['10.0.0.2'])],
    services: parts.services ?? [],
    hostPorts: parts.hostPorts ?? [],
    inputs: parts.inputs ?? [{ file: 'test.yaml', sha256: '0'.repeat(64) }],
  };
}

/** The talk's two-node cluster with one service per type, built in memory. */
export function talkSpec(): Spec {
  return spec({
    cluster: cluster({ name: 'talk' }),
    nodes: [node('node1', ['10.0.0.1', 'fd00::1'], ['10.1.0.0/24']), node('node2', ['10.0.0.2', 'fd00::2'], ['10.2.0.0/24'])],
    services: [
      service('default/web', {
        clusterIPs: ['10.5.0.1'],
        ports: [port(8080, { name: 'http', targetPort: 80 })],
        backends: [backend('10.1.0.1', 'node1'), backend('10.1.0.2', 'node1'), backend('10.2.0.1', 'node2')],
      }),
      service('default/nodeport', {
        type: 'NodePort',
        ports: [port(80, { name: 'http', nodePort: 30001, targetPort: 80 })],
        backends: [backend('10.1.0.1', 'node1'), backend('10.2.0.1', 'node2')],
      }),
      service('default/lb', {
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        ports: [port(80, { targetPort: 80 })],
        backends: [backend('10.1.0.2', 'node1'), backend('10.2.0.1', 'node2')],
      }),
      service('default/external', {
        externalIPs: ['203.0.113.10'],
        ports: [port(8080, { targetPort: 80 })],
        backends: [backend('10.1.0.1', 'node1')],
      }),
    ],
    hostPorts: [hostPort('node1', 10000, '10.1.0.1', 80)],
  });
}

/**
 * What a node applies beyond the cluster-wide tables, as switchyard-node layers it: its zone's
 * entries, each replaced by the node's own entry for the same frontend and scope, then the rest
 * of the node's own.
 */
export function layeredEntries(p: Plan, nodeName: string): NodeEntry[] {
  const t = p.nodes.find((n) => n.node.name === nodeName)!;
  const zone = p.zones.find((z) => z.zone === t.node.zone)?.entries ?? [];
  const key = (e: NodeEntry) => `${e.entry.frontend.kind} ${e.entry.frontend.address.text} ${e.entry.frontend.port} ${e.entry.frontend.protocol} ${e.entry.scope}`;
  const own = new Set(t.entries.map(key));
  return [...zone.filter((e) => !own.has(key(e))), ...t.entries];
}
