// Refuses a plan whose maps would not fit: for every compiled map, the cluster-wide entries plus
// the most any node adds on top (its zone's layer and its own) must fit max_entries, or the
// runtime would hit E2BIG mid-apply.
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
    for (const node of new Set([...enc.nodes.keys(), ...enc.nodeZones.keys()])) {
      const zone = enc.nodeZones.get(node);
      const layers = [zone !== undefined ? enc.zones.get(zone)?.find((m) => m.map === c.map) : undefined, enc.nodes.get(node)?.find((m) => m.map === c.map)];
      let added = 0;
      layers.forEach((own, k) => {
        if (!own) return;
        // A node entry under a zone entry's key replaces it: count that key once.
        const below = k === 1 ? layers[0] : undefined;
        for (let i = 0; i < own.count; i++) {
          const off = i * own.recordSize;
          if (!c.has(own, off) && !below?.has(own, off)) added++;
        }
      });
      if (added > worst) {
        worst = added;
        worstNode = zone !== undefined ? `${node} (zone ${zone})` : node;
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
