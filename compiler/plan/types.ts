// The plan: every address allocated, every ID assigned, and the service table entries each node
// needs, split into what every node shares and what differs per node. Plain data for the
// emitter (and, later, the datapath stage that reads the per-node configuration).

import type { Address, Cidr, Family } from '../model/address.ts';
import type { Frontend } from '../model/frontends.ts';
import type { BackendSet, Model, ModelHostPort, ModelNode, ModelService } from '../model/types.ts';
import type { ClusterSpec, EndpointHints, Protocol, ServiceType } from '../spec/types.ts';
import type { Lock } from './lock.ts';
import type { TopologyMode } from './topology.ts';

export interface PlannedBackend {
  id: number;
  /** `addr:port/PROTO`. */
  key: string;
  address: Address;
  port: number;
  protocol: Protocol;
  /** Terminating in every service port that lists it (active wins where they disagree). */
  terminating: boolean;
}

/** A backend as one unit lists it: the node it runs on and whether it is only a fallback. */
export interface UnitBackend {
  backend: PlannedBackend;
  node?: string;
  terminating: boolean;
  /** The endpoint's topology hints (topology.ts); empty lists without. */
  hints: EndpointHints;
}

export interface PlannedFrontend extends Frontend {
  revNatId: number;
}

/**
 * A unit of load balancing: one service port, or one HostPort. Its frontends share its backends
 * and its ID (the service ID that Maglev tables and affinity are keyed by).
 */
export interface LbUnit {
  id: number;
  /** `ns/name:port/PROTO`, or `node/addr:port/PROTO` for a HostPort. */
  key: string;
  service?: PlannedService;
  hostPort?: ModelHostPort;
  /** Port name; empty for an unnamed port or a HostPort. */
  name: string;
  protocol: Protocol;
  port: number;
  nodePort?: number;
  frontends: PlannedFrontend[];
  /** Active backends by ID, then terminating ones by ID: the slot order in the service map. */
  backends: UnitBackend[];
  /** The same, split by address family: an entry holds only backends of its frontend's family. */
  byFamily: Record<Family, UnitBackend[]>;
}

export interface PlannedService {
  key: string;
  namespace: string;
  name: string;
  type: ServiceType;
  clusterIPs: Address[];
  loadBalancerIPs: Address[];
  externalIPs: Address[];
  healthCheckNodePort?: number;
  units: LbUnit[];
  model: ModelService;
}

/**
 * Which lookup an entry answers. Frontends reachable from outside get an `external` entry, plus
 * an `internal` one when the two traffic policies pick different backend sets (the talk's scoped
 * lookup). ClusterIP entries are never routed and have only the `external` scope, holding the
 * internal policy's backends, so the socket LB needs one lookup for them.
 */
export type Scope = 'external' | 'internal';

/** One frontend × scope: a slot-0 entry in a service map. */
export interface ServiceEntry {
  unit: LbUnit;
  frontend: PlannedFrontend;
  scope: Scope;
  set: BackendSet;
  /** On the external entry when an internal entry exists for the same frontend. */
  twoScopes: boolean;
  /** loadBalancerSourceRanges apply (LoadBalancer frontends with ranges). */
  sourceRanges: boolean;
  /** The socket LB must not translate it (ExternalIPs, unless cluster.datapath.externalIPsInCluster). */
  notInCluster: boolean;
  affinityTimeout?: number;
}

/** An entry as one node holds it, with the backends in slot order. */
export interface NodeEntry {
  entry: ServiceEntry;
  backends: UnitBackend[];
  /** On a cluster-wide entry narrowed by topology hints on this node: by which hints. */
  topology?: TopologyMode;
}

export interface MaglevTable {
  unit: LbUnit;
  set: BackendSet;
  family: Family;
  /** Backend IDs, one per slot; the table size is prime. */
  table: Uint32Array;
}

export interface NodeTable {
  node: ModelNode;
  /**
   * What this node holds beyond the cluster-wide tables and its zone's: Local-policy entries
   * with its own backends (replacing the cluster-wide zero-backend entry), cluster-wide entries
   * whose node hints give it a set other than its zone's (replacing that), and its HostPorts.
   */
  entries: NodeEntry[];
  /** Maglev tables of those entries (a narrowed set's replaces the cluster-wide table), HostPorts' included. */
  maglev: MaglevTable[];
}

/**
 * What every node of one zone holds beyond the cluster-wide tables and below its own: the
 * cluster-wide entries whose zone hints narrow them there (topology.ts, rule 2), once per zone
 * instead of once per node, with their Maglev tables.
 */
export interface ZoneTable {
  zone: string;
  entries: NodeEntry[];
  maglev: MaglevTable[];
}

export interface SourceRangeEntry {
  frontend: PlannedFrontend;
  cidr: Cidr;
}

/** Compile-time constants for one node's datapath. */
export interface NodeConfig {
  name: string;
  addresses: Address[];
  podCIDRs: Cidr[];
  devices: string[];
  datapath: ClusterSpec['datapath'];
  nodePortRange: ClusterSpec['nodePortRange'];
}

export interface Plan {
  model: Model;
  cluster: ClusterSpec;
  /** Sorted by key. */
  services: PlannedService[];
  /** HostPort units, sorted by key. */
  hostPorts: LbUnit[];
  /** Every backend with an ID, sorted by ID. */
  backends: PlannedBackend[];
  /**
   * Entries every node holds, sorted by frontend then scope. Local-policy entries appear here
   * with no backends (a node without local backends drops) and get their backends per node.
   */
  entries: ServiceEntry[];
  nodes: NodeTable[];
  /** Zones with entries of their own, by name; a node applies its zone's between the cluster's and its own. */
  zones: ZoneTable[];
  nodeConfigs: NodeConfig[];
  sourceRanges: SourceRangeEntry[];
  /** Cluster-wide Maglev tables (all-backends sets); empty unless the algorithm is maglev. */
  maglev: MaglevTable[];
  /** What the next compile reads back. */
  lock: Lock;
}

/** The backends a cluster-wide entry holds: all of its unit's, or none for a Local-policy set. */
export function clusterEntryBackends(e: ServiceEntry): UnitBackend[] {
  return e.set === 'all' ? e.unit.byFamily[e.frontend.address.family] : [];
}

export function activeCount(backends: readonly UnitBackend[]): number {
  let n = 0;
  for (const b of backends) if (!b.terminating) n++;
  return n;
}
