// What the readers collect before the inputs are joined: objects whose defaults depend on other
// documents (the cluster's settings, EndpointSlices of a service) stay open until load.ts closes them.

import type { SourceRange } from '../diagnostics.ts';
import type { BackendSpec, ClusterSpec, HostPortSpec, Located, NodeSpec, ServiceCIDRObjectSpec, ServiceSpec } from './types.ts';

export interface NodeDraft extends Omit<NodeSpec, 'devices'> {
  /** Undefined: the cluster's default devices. */
  devices?: string[];
}

export interface ServiceDraft extends Omit<ServiceSpec, 'affinityTimeoutSeconds' | 'ipFamilies'> {
  /** Undefined: the cluster's default timeout. */
  affinityTimeoutSeconds?: number;
  /** Undefined: derived from clusterIPs, else the cluster's first family. */
  ipFamilies?: ('IPv4' | 'IPv6')[];
}

/** The cluster settings, with the devices default that nodes naming none receive. */
export interface ClusterDraft {
  cluster: ClusterSpec;
  devices: string[];
}

/** An EndpointSlice's backends, waiting to join its service by namespace and name. */
export interface SliceDraft extends Located {
  name: string;
  namespace: string;
  /** From the kubernetes.io/service-name label; undefined when the label is missing. */
  service?: string;
  /** A label that keeps kube-proxy from reading the slice (proxy-labels.ts), and where it is. */
  skippedBy?: { label: string; at: SourceRange };
  backends: BackendSpec[];
}

/** Everything read from all inputs, in reading order. */
export class Collected {
  readonly clusters: ClusterDraft[] = [];
  readonly nodes: NodeDraft[] = [];
  readonly services: ServiceDraft[] = [];
  readonly hostPorts: HostPortSpec[] = [];
  readonly slices: SliceDraft[] = [];
  readonly serviceCIDRObjects: ServiceCIDRObjectSpec[] = [];
  /** `namespace/name` of services skipped with a warning (headless, ExternalName, another proxy's): their slices go quietly. */
  readonly skippedServices = new Set<string>();
  /** Kinds Switchyard does not read, by kind: reported once each (SY1080), at the first object. */
  readonly skippedKinds = new Map<string, { apiVersion: string; at: SourceRange; count: number }>();
  /** Where the first document was, for diagnostics about something missing from all inputs. */
  firstDocument?: SourceRange;
  /** Whether any Kubernetes manifest was read, to word the missing-cluster diagnostic. */
  sawManifests = false;
}
