// Which BPF-TS program files make up a node's object: one entry per datapath feature. A node's
// object holds every feature enabled for it, compiled together (their maps once); nodes that
// enable the same features share one object. A new feature is one line here.

import type { NodeConfig } from '../plan/types.ts';

export interface DatapathFeature {
  /** Names the feature in object names: objects/<feature>+<feature>.o, in this list's order. */
  name: string;
  /** BPF-TS entry files, relative to compiler/datapath/; their exported @section functions are the programs. */
  entries: string[];
  /** Whether a node's object holds this feature. */
  enabled(node: NodeConfig): boolean;
}

export const datapathFeatures: readonly DatapathFeature[] = [
  // East-west: every node translates service addresses at the socket (cgroup hooks).
  { name: 'socket-lb', entries: ['sock/programs.ts'], enabled: () => true },
  // North-south: the node's devices, ingress on tc or XDP as the cluster says, egress on tc
  // (replies of local and DSR backends); a node that lists no devices has none. On XDP the tc
  // ingress program is there too: XDP passes up, untranslated, what only tc can send (a next hop
  // whose neighbour is not resolved yet).
  { name: 'nodeport-tc', entries: ['nodeport/tc.ts', 'nodeport/egress.ts'], enabled: (n) => n.devices.length > 0 && n.datapath.northSouthHook === 'tc' },
  { name: 'nodeport-xdp', entries: ['nodeport/xdp.ts', 'nodeport/tc.ts', 'nodeport/egress.ts'], enabled: (n) => n.devices.length > 0 && n.datapath.northSouthHook === 'xdp' },
];
