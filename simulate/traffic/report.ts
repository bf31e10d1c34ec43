// How outcomes move between the two sides of `switchyard diff --traffic`, per frontend and entry
// node: backends gained and lost, the share of flows whose backend changes (Maglev's small
// disruption shows here; random selection reshuffles), frontends that stop (or start) answering,
// drops added or removed. Text for the terminal; rows for the markdown comment.

import { isBackend, type FlowOutcome } from './run.ts';
import type { FlowPlan } from './sample.ts';

export interface FrontendTraffic {
  service: string;
  frontend: string;
  node: string;
  flows: number;
  /** Backends reached on one side only. */
  gained: string[];
  lost: string[];
  /** Flows that reach a backend on both sides, and of those, the ones whose backend differs. */
  kept: number;
  moved: number;
  answeredBefore: number;
  answeredAfter: number;
  dropsBefore: number;
  dropsAfter: number;
  /** Flows whose outcome differs at all (a backend, or how they fail). */
  changed: number;
}

const backendsOf = (o: FlowOutcome[]): Set<string> => new Set(o.filter(isBackend).map((x) => x.slice('backend '.length)));
const failed = (o: FlowOutcome): boolean => o === 'drop' || o === 'refused';

export function compareTraffic(plans: readonly FlowPlan[], before: FlowOutcome[][], after: FlowOutcome[][]): FrontendTraffic[] {
  return plans.map((plan, i) => {
    const a = before[i]!;
    const b = after[i]!;
    const ba = backendsOf(a);
    const bb = backendsOf(b);
    let kept = 0;
    let moved = 0;
    let changed = 0;
    a.forEach((x, j) => {
      const y = b[j]!;
      if (x !== y) changed++;
      if (isBackend(x) && isBackend(y)) {
        kept++;
        if (x !== y) moved++;
      }
    });
    return {
      service: plan.frontend.service,
      frontend: `${plan.frontend.kind} ${plan.frontend.address}`,
      node: plan.node,
      flows: a.length,
      gained: [...bb].filter((x) => !ba.has(x)).sort(),
      lost: [...ba].filter((x) => !bb.has(x)).sort(),
      kept,
      moved,
      answeredBefore: a.filter(isBackend).length,
      answeredAfter: b.filter(isBackend).length,
      dropsBefore: a.filter(failed).length,
      dropsAfter: b.filter(failed).length,
      changed,
    };
  });
}

const percent = (n: number, d: number): string => (d ? `${((100 * n) / d).toFixed(1)}%` : '-');

/** What changed for one row, in words; empty when nothing did. */
export function trafficNotes(r: FrontendTraffic): string[] {
  const notes: string[] = [];
  if (r.answeredBefore > 0 && r.answeredAfter === 0) notes.push('stops answering');
  if (r.answeredBefore === 0 && r.answeredAfter > 0) notes.push('starts answering');
  if (r.moved) notes.push(`${r.moved}/${r.kept} flows change backend (${percent(r.moved, r.kept)})`);
  if (r.dropsAfter !== r.dropsBefore) notes.push(`drops ${r.dropsBefore} → ${r.dropsAfter} of ${r.flows}`);
  if (r.gained.length) notes.push(`gains ${r.gained.join(', ')}`);
  if (r.lost.length) notes.push(`loses ${r.lost.join(', ')}`);
  if (!notes.length && r.changed) notes.push(`${r.changed}/${r.flows} flows end differently`);
  return notes;
}

export function trafficText(rows: readonly FrontendTraffic[], flows: number, seed: number): string[] {
  const out = [`traffic: ${flows} flows per frontend and entry node (seed ${seed}), ${rows.length} sampled`];
  const changed = rows.filter((r) => trafficNotes(r).length);
  for (const r of changed) out.push(`  ${r.service} ${r.frontend} via ${r.node}: ${trafficNotes(r).join('; ')}`);
  if (!changed.length) out.push('  no flow changes outcome');
  return out;
}
