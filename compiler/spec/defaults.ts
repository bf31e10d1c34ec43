// Defaults for every optional setting of the cluster, in one place so docs/spec.md and the
// schema's descriptions can be checked against them.

import type { DatapathOptions, MapSizes } from './types.ts';

export const DEFAULT_NAMESPACE = 'default';

/** Kubernetes' own default (kube-apiserver --service-node-port-range). */
export const DEFAULT_NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

export const DEFAULT_DATAPATH: Readonly<DatapathOptions> = {
  forwarding: 'snat',
  algorithm: 'random',
  // Prime, and above 100 x 100 backends so Maglev stays within about 1% of an equal share.
  maglevTableSize: 16381,
  northSouthHook: 'tc',
  hairpin: false,
  // Kubernetes' default for sessionAffinityConfig.clientIP.timeoutSeconds.
  affinityTimeoutSeconds: 10800,
  externalIPsInCluster: false,
};

export const DEFAULT_DEVICES: readonly string[] = ['eth0'];

/**
 * Sized for the benchmark cluster (10,000 services x 10 backends on 100 nodes) with headroom:
 * a LoadBalancer service has up to four frontends per port (ClusterIP, NodePort wildcard, LB IP,
 * ExternalIP), each with a master slot and one slot per backend, so 10,000 x 2 x 11 = 220,000
 * service entries in the common case; 100,000 backends; one reverse-NAT entry per frontend.
 */
export const DEFAULT_MAPS: Readonly<MapSizes> = {
  services: 262144,
  backends: 131072,
  reverseNat: 65536,
  affinity: 65536,
  conntrack: 262144,
  sockReverseNat: 262144,
  sourceRanges: 16384,
  backendsPerService: 1024,
};

/** Largest map size accepted from a spec: beyond this, node memory is the real problem. */
export const MAX_MAP_ENTRIES = 1 << 24;

/** Kubernetes caps sessionAffinityConfig.clientIP.timeoutSeconds at one day. */
export const MAX_AFFINITY_TIMEOUT = 86400;

/** Bounds for Maglev's table: big enough to spread backends, small enough per service. */
export const MAGLEV_TABLE_MIN = 7;
export const MAGLEV_TABLE_MAX = 1048573;

export function isPrime(n: number): boolean {
  if (n < 2 || !Number.isInteger(n)) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}
