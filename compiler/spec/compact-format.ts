// The compact spec format as a user writes it: the source of truth for specs/switchyard.schema.json
// (a test compares the two field by field). Optional fields get the defaults in defaults.ts.

/** One YAML document of the compact format; documents and files merge, `cluster` comes once. */
export interface CompactDocument {
  /** Cluster-wide settings; exactly one document in the inputs carries them. */
  cluster?: CompactCluster;
  nodes?: CompactNode[];
  services?: CompactService[];
  /** Pod ports published on one node's own addresses (a container's hostPort). */
  hostPorts?: CompactHostPort[];
}

export interface CompactCluster {
  /** Names the output directory, generated/<name>/. */
  name: string;
  /** The ClusterIP ranges, at most one per family (kube-apiserver --service-cluster-ip-range). */
  serviceCIDRs: CompactServiceCIDRs;
  /** Inclusive NodePort range as `min-max`; default 30000-32767. */
  nodePortRange?: string;
  /** Address pools for LoadBalancer services, as MetalLB's IPAddressPools declare them. */
  loadBalancerPools?: CompactPool[];
  /**
   * The spec.loadBalancerClass the pools serve (as MetalLB's --lb-class): services of another
   * class get no pool address. Unset: the pools serve only services that name no class.
   */
  loadBalancerClass?: string;
  datapath?: CompactDatapath;
  /** Maximum entries per BPF map; the defaults fit 10,000 services of 10 backends each. */
  maps?: CompactMaps;
}

export interface CompactServiceCIDRs {
  v4?: string;
  v6?: string;
}

export interface CompactPool {
  name: string;
  /** CIDRs (10.3.0.0/24) or ranges (10.3.0.10-10.3.0.20), allocated in this order. */
  addresses: string[];
  /** Services that name no pool take the first default pool; default false. */
  default?: boolean;
}

export interface CompactDatapath {
  /** North-south forwarding to remote backends: `snat` (default) or `dsr` (keeps the client IP). */
  forwarding?: 'snat' | 'dsr';
  /** Backend selection: `random` (default) or `maglev` (consistent hashing). */
  algorithm?: 'random' | 'maglev';
  /** Maglev lookup table size per service; must be prime; default 16381. */
  maglevTableSize?: number;
  /** Where north-south traffic is balanced: `tc` (default) or `xdp`. */
  northSouthHook?: 'tc' | 'xdp';
  /**
   * Hairpin mode: remote traffic goes back out of the device it came in on, to the MAC it came
   * from, with the FIB lookup compiled out (nodes with one device behind a gateway that routes
   * pod CIDRs); default false.
   */
  hairpin?: boolean;
  /** sessionAffinity: ClientIP timeout for services that name none; default 10800. */
  affinityTimeoutSeconds?: number;
  /** Whether pods may reach ExternalIPs of services (the talk: off, against spoofing); default false. */
  externalIPsInCluster?: boolean;
  /** Devices the north-south programs attach to on nodes that list none; default [eth0]. */
  devices?: string[];
}

export interface CompactMaps {
  services?: number;
  backends?: number;
  reverseNat?: number;
  affinity?: number;
  conntrack?: number;
  sockReverseNat?: number;
  sourceRanges?: number;
  /** Backends one service may have. */
  backendsPerService?: number;
}

export interface CompactNode {
  name: string;
  /** The node's own IPv4 and IPv6 addresses (Kubernetes: InternalIP and ExternalIP). */
  addresses: string[];
  /** Pod address ranges of this node, at most one per family. */
  podCIDRs?: string[];
  /** Devices for the north-south programs; default cluster.datapath.devices. */
  devices?: string[];
  /** The node's topology.kubernetes.io/zone, which EndpointSlice zone hints are matched against. */
  zone?: string;
}

export interface CompactService {
  name: string;
  /** Default `default`. */
  namespace?: string;
  /** Default ClusterIP. ExternalIPs go on any type; a LoadBalancer also gets a NodePort and ClusterIP. */
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** At most one per family; leave out to have the plan allocate them. */
  clusterIPs?: string[];
  /** Families to allocate when clusterIPs is left out; default the cluster's first family. */
  ipFamilies?: ('IPv4' | 'IPv6')[];
  externalIPs?: string[];
  /** LoadBalancer addresses asked for, at most one per family; leave out to allocate from a pool. */
  loadBalancerIPs?: string[];
  /** Pool to allocate from; default the first default pool. */
  loadBalancerPool?: string;
  /** Client CIDRs allowed to reach the LoadBalancer addresses; empty: everyone. */
  loadBalancerSourceRanges?: string[];
  /** `Local`: external traffic only to backends on the receiving node, client IP kept. Default Cluster. */
  externalTrafficPolicy?: 'Cluster' | 'Local';
  /** `Local`: in-cluster traffic only to backends on the client's node. Default Cluster. */
  internalTrafficPolicy?: 'Cluster' | 'Local';
  /** Prefer backends in the node's zone (PreferClose, PreferSameZone) or on the node itself (PreferSameNode), from the nodes' zones. */
  trafficDistribution?: 'PreferClose' | 'PreferSameZone' | 'PreferSameNode';
  /** `ClientIP`: a client sticks to one backend for affinityTimeoutSeconds. Default None. */
  sessionAffinity?: 'None' | 'ClientIP';
  /** Default cluster.datapath.affinityTimeoutSeconds. */
  affinityTimeoutSeconds?: number;
  /** Health-check port of a LoadBalancer service with externalTrafficPolicy: Local; allocated when left out. */
  healthCheckNodePort?: number;
  ports: CompactServicePort[];
  backends?: CompactBackend[];
}

export interface CompactServicePort {
  /** Required when the service has more than one port. */
  name?: string;
  /** Default TCP. */
  protocol?: 'TCP' | 'UDP';
  port: number;
  /** Backend port number, or the name of a backend port; default `port`. */
  targetPort?: number | string;
  /** For NodePort and LoadBalancer services; allocated when left out. */
  nodePort?: number;
}

export interface CompactBackend {
  address: string;
  /** The node running the backend; leave out for backends outside the cluster's nodes. */
  node?: string;
  /** Default true. */
  ready?: boolean;
  /** Whether it still serves, terminating or not; default true (as the EndpointSlice API reads an unset value). */
  serving?: boolean;
  /** Default false. */
  terminating?: boolean;
  /** The backend's named ports; default one per service port, from its numeric targetPort. */
  ports?: CompactBackendPort[];
}

export interface CompactBackendPort {
  /** The service port's name it serves; default empty (the unnamed port). */
  name?: string;
  /** Default TCP. */
  protocol?: 'TCP' | 'UDP';
  port: number;
}

export interface CompactHostPort {
  node: string;
  /** One address of the node; default every address of the node in the pod address's family. */
  hostIP?: string;
  hostPort: number;
  /** Default TCP. */
  protocol?: 'TCP' | 'UDP';
  podAddress: string;
  podPort: number;
  /** `namespace/name` of the pod, for listings. */
  pod?: string;
}
