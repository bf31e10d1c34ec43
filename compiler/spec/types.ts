// The normalised cluster spec: what both front ends (the compact format and kubectl manifests)
// produce, with defaults applied and a source range on every object and field for diagnostics.
// Values are kept as the user wrote them (canonical text for addresses); meaning is the model's job.

import type { SourceRange } from '../diagnostics.ts';
import { parseIP, type Family } from './ip.ts';

/**
 * Where each field of an object came from. Keys are field names, and `field.N` for the N-th
 * element of a list field; a missing key falls back to the object's own range (`at`).
 */
export type FieldRanges = Record<string, SourceRange>;

export interface Located {
  at: SourceRange;
  pos: FieldRanges;
}

export type Protocol = 'TCP' | 'UDP';
export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer';
export type TrafficPolicy = 'Cluster' | 'Local';
export const TRAFFIC_DISTRIBUTIONS = ['PreferClose', 'PreferSameZone', 'PreferSameNode'] as const;
export type TrafficDistribution = (typeof TRAFFIC_DISTRIBUTIONS)[number];
export type ForwardingMode = 'snat' | 'dsr';
export type BackendAlgorithm = 'random' | 'maglev';
export type NorthSouthHook = 'tc' | 'xdp';

/** A networking.k8s.io/v1 ServiceCIDR: its name and its CIDRs (one per family at most). */
export interface ServiceCIDRObjectSpec extends Located {
  name: string;
  cidrs: string[];
}

export interface ClusterSpec extends Located {
  name: string;
  /** At most one CIDR per family, e.g. `10.5.0.0/16`; ClusterIPs must fall inside. */
  serviceCIDRs: { v4?: string; v6?: string };
  /** Inclusive; Kubernetes' default is 30000-32767. */
  nodePortRange: { min: number; max: number };
  loadBalancerPools: PoolSpec[];
  /** The spec.loadBalancerClass the pools serve; undefined: only services that name no class. */
  loadBalancerClass?: string;
  datapath: DatapathOptions;
  maps: MapSizes;
}

export interface PoolSpec extends Located {
  name: string;
  /** CIDRs or `first-last` ranges, in order of allocation. */
  addresses: string[];
  /** A service names its pool, or takes the first pool marked as default. */
  default: boolean;
}

export interface DatapathOptions {
  forwarding: ForwardingMode;
  algorithm: BackendAlgorithm;
  /** Maglev lookup table size per service; must be prime. */
  maglevTableSize: number;
  northSouthHook: NorthSouthHook;
  /**
   * Remote traffic leaves by the device it came in on, to the MAC it came from: the remote path's
   * FIB lookup is compiled out (the talk's hairpin LB). Needs one device per node (SY1054).
   */
  hairpin: boolean;
  /** sessionAffinity: ClientIP timeout when a service names none (Kubernetes: 10800 s). */
  affinityTimeoutSeconds: number;
  /** The talk: ExternalIPs are not reachable from inside the cluster by default (spoofing). */
  externalIPsInCluster: boolean;
}

/** Maximum entries per map; the plan refuses a spec that does not fit. */
export interface MapSizes {
  services: number;
  backends: number;
  reverseNat: number;
  affinity: number;
  conntrack: number;
  sockReverseNat: number;
  sourceRanges: number;
  /** Backends one service may have (slots in the service map). */
  backendsPerService: number;
}

export interface NodeSpec extends Located {
  name: string;
  /** IPv4 and IPv6 addresses of the node, canonical text. */
  addresses: string[];
  podCIDRs: string[];
  /** Devices the north-south datapath attaches to, e.g. `eth0`. */
  devices: string[];
  /** The topology.kubernetes.io/zone label (compact: `zone:`); undefined: no zone, no zone hints. */
  zone?: string;
}

export interface ServiceSpec extends Located {
  namespace: string;
  name: string;
  type: ServiceType;
  /** Empty when the spec leaves allocation to the plan. */
  clusterIPs: string[];
  /** Families to allocate when `clusterIPs` is empty. */
  ipFamilies: ('IPv4' | 'IPv6')[];
  externalIPs: string[];
  /** Addresses asked for (`loadBalancerIP`, MetalLB's annotation); empty: allocate from the pool. */
  loadBalancerIPs: string[];
  /** Pool to allocate from; undefined: the default pool. */
  loadBalancerPool?: string;
  /** spec.loadBalancerClass; undefined: the cluster's default implementation (our pools). */
  loadBalancerClass?: string;
  /** spec.allocateLoadBalancerNodePorts: false gives NodePorts only to ports that set one. */
  allocateLoadBalancerNodePorts: boolean;
  /**
   * status.loadBalancer.ingress as the cluster wrote it (manifests only); undefined when it lists
   * no entry. When defined it is the truth for the LoadBalancer frontends, as for kube-proxy.
   */
  loadBalancerIngress?: LoadBalancerIngressSpec[];
  ports: ServicePortSpec[];
  externalTrafficPolicy: TrafficPolicy;
  internalTrafficPolicy: TrafficPolicy;
  /**
   * As given. Only the endpoints' hints narrow backends (as in kube-proxy); in the compact format
   * the spec stage derives those hints from it, as the EndpointSlice controller would.
   */
  trafficDistribution?: TrafficDistribution;
  sessionAffinity: 'None' | 'ClientIP';
  affinityTimeoutSeconds: number;
  loadBalancerSourceRanges: string[];
  /** For externalTrafficPolicy: Local on a LoadBalancer; allocated by the plan if absent. */
  healthCheckNodePort?: number;
  backends: BackendSpec[];
}

/** One status.loadBalancer.ingress entry; `pos.ip` locates its address. */
export interface LoadBalancerIngressSpec extends Located {
  /** Canonical text; undefined for an entry with only a hostname (or an unparsable ip). */
  ip?: string;
  hostname?: string;
  /**
   * KEP-1860. VIP (the default): traffic reaches the nodes addressed to this IP, so the nodes
   * short-circuit it. Proxy: the balancer delivers to node or pod addresses; nodes leave it alone.
   */
  ipMode: 'VIP' | 'Proxy';
}

export interface ServicePortSpec extends Located {
  /** Empty for the single unnamed port Kubernetes allows. */
  name: string;
  protocol: Protocol;
  port: number;
  /** A number, or the name of a backend port. */
  targetPort: number | string;
  /** Allocated by the plan if absent on a NodePort/LoadBalancer service. */
  nodePort?: number;
}

export interface BackendSpec extends Located {
  address: string;
  /** The node the backend runs on; undefined for backends outside the cluster's nodes. */
  node?: string;
  /** Named ports as an EndpointSlice lists them; compact specs derive them from targetPort. */
  ports: BackendPortSpec[];
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  /**
   * The EndpointSlice that lists this endpoint (kubectl input; undefined in the compact format).
   * Its ports are then the only ones the endpoint serves, matched by service port name, and one
   * address may come from several slices of a service (the model picks one, see docs/spec.md).
   */
  slice?: string;
  /** The endpoint's topology hints; empty lists when it has none. */
  hints: EndpointHints;
}

/** An EndpointSlice endpoint's `hints`: the zones and nodes whose traffic it should take. */
export interface EndpointHints {
  readonly forZones: readonly string[];
  readonly forNodes: readonly string[];
}

/** The hints of an endpoint that has none: one shared value, as a spec may hold 100,000 backends. */
export const NO_HINTS: EndpointHints = Object.freeze({ forZones: Object.freeze([]), forNodes: Object.freeze([]) });

export interface BackendPortSpec {
  name: string;
  protocol: Protocol;
  port: number;
}

export interface HostPortSpec extends Located {
  node: string;
  /** Undefined: every address of the node. */
  hostIP?: string;
  hostPort: number;
  protocol: Protocol;
  podAddress: string;
  podPort: number;
  /** `namespace/name` of the pod, for listings. */
  pod?: string;
}

/** Everything read from one set of input files. */
export interface Spec {
  cluster: ClusterSpec;
  nodes: NodeSpec[];
  services: ServiceSpec[];
  hostPorts: HostPortSpec[];
  /** ServiceCIDR objects of kubectl input: further ranges ClusterIPs may come from (KEP-1880). */
  serviceCIDRObjects?: ServiceCIDRObjectSpec[];
  /** Input files in the order read, with their contents' sha256, for the manifest. */
  inputs: { file: string; sha256: string }[];
}

/**
 * The families a service has endpoints and frontends in: its clusterIPs', or the ipFamilies it
 * asks the plan to allocate when it gives none. Sorted, unique.
 */
export function serviceFamilies(s: Pick<ServiceSpec, 'clusterIPs' | 'ipFamilies'>): Family[] {
  const families: Family[] = s.clusterIPs.length
    ? s.clusterIPs.map((ip) => parseIP(ip).value?.family).filter((f): f is Family => f !== undefined)
    : s.ipFamilies.map((f) => (f === 'IPv6' ? 6 : 4));
  return [...new Set(families)].sort();
}

/**
 * The status addresses nodes answer on, as kube-proxy programs them: ipMode VIP, of one of the
 * service's families. Hostname-only entries, Proxy-mode addresses (KEP-1860: the balancer
 * delivers to node or pod addresses itself) and addresses of another family are left out.
 */
export function loadBalancerStatusIPs(s: ServiceSpec): { ip: string; range: SourceRange }[] {
  const families = serviceFamilies(s);
  const out: { ip: string; range: SourceRange }[] = [];
  for (const e of s.loadBalancerIngress ?? []) {
    if (e.ip === undefined || e.ipMode !== 'VIP') continue;
    if (!families.includes(parseIP(e.ip).value!.family)) continue;
    if (!out.some((o) => o.ip === e.ip)) out.push({ ip: e.ip, range: rangeOf(e, 'ip') });
  }
  return out;
}

/** Whether the cluster's pools serve a service: spec.loadBalancerClass unset, or the cluster's own. */
export function servedByPools(s: ServiceSpec, cluster: ClusterSpec): boolean {
  return s.loadBalancerClass === undefined || s.loadBalancerClass === cluster.loadBalancerClass;
}

/** The range of a field, or of its object when the field has none. */
export function rangeOf(obj: Located, field?: string): SourceRange {
  return (field !== undefined && obj.pos[field]) || obj.at;
}
