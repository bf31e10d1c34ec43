// Refuses a plan whose maps would not fit: for every compiled map, the cluster-wide entries plus
// the most any node adds on top must fit max_entries, or the runtime would hit E2BIG mid-apply.
// Reported with the plan's SY2008: the fix is in the spec (the field named in the message).

import { Diagnostics, type Diagnostic, type SourceRange } from '../diagnostics.ts';
import { planCodes } from '../plan/codes.ts';
import type { ClusterSpec } from '../spec/types.ts';
import type { EncodedMaps } from './encode-maps.ts';

export function checkCapacity(enc: EncodedMaps, cluster: ClusterSpec): Diagnostic[] {
  const diags = new Diagnostics();
  const layouts = new Map(enc.layouts.map((l) => [l.name, l]));
  for (const c of enc.cluster) {
    const layout = layouts.get(c.map)!;
    let worst = 0;
    let worstNode = '';
    for (const [node, maps] of enc.nodes) {
      const own = maps.find((m) => m.map === c.map);
      if (!own) continue;
      let added = 0;
      for (let i = 0; i < own.count; i++) if (!c.has(own, i * own.recordSize)) added++;
      if (added > worst) {
        worst = added;
        worstNode = node;
      }
    }
    const need = c.count + worst;
    if (need <= layout.maxEntries) continue;
    const field = layout.maxEntriesField.replace(/^cluster\./, '');
    const range: SourceRange = cluster.pos[field] ?? cluster.pos['maps'] ?? cluster.at;
    const where = worst ? ` (${c.count} cluster-wide + ${worst} on node ${worstNode})` : '';
    diags.report(planCodes.SY2008, `map ${c.map}: needs ${need} entries${where}, more than its ${layout.maxEntries}`, range, [
      `raise ${layout.maxEntriesField} to at least ${need}`,
    ]);
  }
  return diags.items;
}
