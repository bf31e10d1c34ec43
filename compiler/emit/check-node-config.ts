// Refuses nodes whose facts do not fit the node_config map entry the datapath reads: more
// addresses per family than its slots. (One pod CIDR per family, the entry's other limit, is
// already the spec's rule, SY1042.) Reported at the node in the spec.

import { Diagnostics, type Diagnostic } from '../diagnostics.ts';
import type { ModelNode } from '../model/types.ts';
import { planCodes } from '../plan/codes.ts';
import { rangeOf } from '../spec/types.ts';
import { NODE_CONFIG_LIMITS } from './map-layouts.ts';

export function checkNodeConfig(nodes: readonly ModelNode[]): Diagnostic[] {
  const diags = new Diagnostics();
  for (const n of nodes) {
    for (const family of [4, 6] as const) {
      const limit = family === 4 ? NODE_CONFIG_LIMITS.ipv4 : NODE_CONFIG_LIMITS.ipv6;
      const count = n.addresses.filter((a) => a.family === family).length;
      if (count > limit) {
        diags.report(planCodes.SY2017, `node ${n.name}: ${count} IPv${family} addresses, the datapath's node_config holds ${limit}`, rangeOf(n.spec, 'addresses'), [
          `list the addresses services should answer on (NodePorts answer on every one of them), at most ${limit} per family`,
        ]);
      }
    }
  }
  return diags.items;
}
