// Hairpin mode (cluster.datapath.hairpin) sends remote traffic back out of the device it came in
// on, with no FIB lookup to choose another: that is only the route when a node has one
// north-south device. A node with several would send traffic for remote backends to whichever
// uplink it came from, whether or not that side routes pod CIDRs, so the combination is refused.

import { codes } from './codes.ts';
import type { SpecCheck } from './checks.ts';
import { rangeOf } from './types.ts';

export const reportHairpinDevices: SpecCheck = (spec, diags, ctx) => {
  if (!ctx.hasCluster || !spec.cluster.datapath.hairpin) return;
  const fix = 'hairpin mode sends remote traffic back out of the device it came in on; list one device, or set cluster.datapath.hairpin: false to route by FIB lookup';
  let defaulted: string[] | undefined;
  for (const n of spec.nodes) {
    if (n.devices.length < 2) continue;
    // Nodes that took the cluster's default devices share one report, at the cluster's datapath.
    if (n.pos.devices === undefined) {
      defaulted ??= [];
      defaulted.push(n.name);
      continue;
    }
    diags.report(codes.SY1054, `node ${n.name}: datapath.hairpin needs one north-south device, and the node lists ${n.devices.length} (${n.devices.join(', ')})`, rangeOf(n, 'devices'), [fix]);
  }
  if (defaulted) {
    const devices = spec.nodes.find((n) => n.name === defaulted![0])!.devices;
    diags.report(codes.SY1054, `${defaulted.length === 1 ? 'node' : 'nodes'} ${defaulted.join(', ')} ${defaulted.length === 1 ? 'takes' : 'take'} the default devices (${devices.join(', ')}), and datapath.hairpin needs one north-south device per node`, rangeOf(spec.cluster, 'datapath'), [fix]);
  }
};
