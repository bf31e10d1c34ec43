// The service model: the spec with every address parsed, every backend port resolved and every
// service type expanded into what it needs, so the plan never re-reads user text.
// What the plan allocates (ClusterIPs, LB IPs, nodePorts) is still undefined here.

import type { BackendSpec, ClusterSpec, HostPortSpec, NodeSpec, Protocol, ServicePortSpec, ServiceSpec, ServiceType } from '../spec/types.ts';
import type { SourceRange } from '../diagnostics.ts';
import type { Address, Cidr, Family } from './address.ts';

export type FrontendKind = 'ClusterIP' | 'NodePort' | 'ExternalIP' | 'LoadBalancer' | 'HostPort';

/** Which backends an entry serves: all of the service's, or only those on the node. */
export type BackendSet = 'all' | 'local';

export interface ModelNode {
  name: string;
  addresses: Address[];
  podCIDRs: Cidr[];
  devices: string[];
  /** Its topology.kubernetes.io/zone; undefined: topology zone hints do not apply on it. */
  zone?: string;
  spec: NodeSpec;
}

export interface ModelBackend {
  address: Address;
  /** The port resolved for one service port (named port, else numeric targetPort). */
  port: number;
  protocol: Protocol;
  node?: string;
  /** Terminating but still serving: used only when no active backend is left. */
  terminating: boolean;
  /** `addr:port/PROTO`, the identity that backend IDs are locked to. */
  key: string;
  spec: BackendSpec;
}

export interface ModelServicePort {
  /** Empty for the single unnamed port. */
  name: string;
  protocol: Protocol;
  port: number;
  /** As the spec gives it; undefined means the plan allocates one (NodePort, LoadBalancer). */
  nodePort?: number;
  /** Serving backends for this port, in spec order (the plan sorts by ID). */
  backends: ModelBackend[];
  /** `namespace/name:port/PROTO` with the port name, or the number for an unnamed port. */
  key: string;
  spec: ServicePortSpec;
}

export interface ModelService {
  /** `namespace/name`. */
  key: string;
  namespace: string;
  name: string;
  type: ServiceType;
  /** Explicit ClusterIPs; empty: allocate one per family in `families`. */
  clusterIPs: Address[];
  families: Family[];
  externalIPs: Address[];
  /** Explicit LB IPs; empty on a LoadBalancer service: allocate from `pool`. */
  loadBalancerIPs: Address[];
  pool?: string;
  /**
   * What status.loadBalancer.ingress assigned (the addresses nodes answer on), when it lists any
   * entry: then it is the truth, and nothing is requested or allocated. Undefined without status.
   */
  assignedIPs?: { address: Address; range: SourceRange }[];
  /** No status, and a class our pools serve: `loadBalancerIPs`, else the pool, give its address. */
  fromPools: boolean;
  ports: ModelServicePort[];
  /** NodePort and LoadBalancer services answer on every node's addresses. */
  hasNodePorts: boolean;
  /** false (allocateLoadBalancerNodePorts: false): only ports that give a nodePort have one. */
  allocateNodePorts: boolean;
  externalSet: BackendSet;
  internalSet: BackendSet;
  /** sessionAffinity: ClientIP timeout in seconds; undefined without affinity. */
  affinityTimeout?: number;
  sourceRanges: Cidr[];
  /** Explicit, or undefined to allocate when `needsHealthCheck`. */
  healthCheckNodePort?: number;
  /** externalTrafficPolicy: Local on a LoadBalancer service: the one case with a healthCheckNodePort. */
  needsHealthCheck: boolean;
  spec: ServiceSpec;
}

/** A HostPort: one node, one pod, 1:1 (the talk); a wildcard address when hostIP is unset. */
export interface ModelHostPort {
  node: string;
  address: Address;
  wildcard: boolean;
  port: number;
  protocol: Protocol;
  backend: ModelBackend;
  /** `node/addr:port/PROTO`. */
  key: string;
  pod?: string;
  spec: HostPortSpec;
}

export interface Model {
  cluster: ClusterSpec;
  serviceCIDRs: { v4?: Cidr; v6?: Cidr };
  nodes: ModelNode[];
  /** Sorted by key. */
  services: ModelService[];
  /** Sorted by key. */
  hostPorts: ModelHostPort[];
}
