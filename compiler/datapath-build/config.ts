// The compile-time configuration every datapath object is specialised with: cluster-wide,
// feature-like values only (map sizes, algorithm, hooks), never a node's own facts (those are in
// the node_config map), so that nodes with the same features share one object. BPF-TS files
// read the fields they declare through nodeConfig<T>(); one object serves all of them.

import type { ConfigValues } from '../lang/front/config.ts';
import type { ClusterSpec } from '../spec/types.ts';

export function datapathConfig(cluster: ClusterSpec): ConfigValues {
  const m = cluster.maps;
  const d = cluster.datapath;
  return {
    // compiler/datapath/lb/maps.ts: LbMapSizes
    mapServices: m.services,
    mapBackends: m.backends,
    mapReverseNat: m.reverseNat,
    mapAffinity: m.affinity,
    mapConntrack: m.conntrack,
    mapSockReverseNat: m.sockReverseNat,
    mapSourceRanges: m.sourceRanges,
    // Features
    maglevTableSize: d.maglevTableSize,
    algorithmMaglev: d.algorithm === 'maglev',
    forwardingDsr: d.forwarding === 'dsr',
    hookXdp: d.northSouthHook === 'xdp',
    // compiler/datapath/nodeport/config.ts: the remote path's FIB lookup compiled out.
    hairpin: d.hairpin,
  };
}
