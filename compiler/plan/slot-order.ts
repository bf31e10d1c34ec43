// The order of a service port's backends in its service-map slots: active backends first (slots
// 1..count), terminating ones after them. Within each part a backend keeps the slot it had in the
// previous compile, and new backends fill the holes removed ones left, in ID order; so replacing
// one backend rewrites one slot on the nodes, not every slot after it (as pure ID order did: the
// new backend's ID is the highest). The previous order comes from switchyard.lock's `slots`
// line of the port (one per port with more than one backend); without one, ID order. Subsets of
// a port's list (per node, per zone) are in ID order of their own (subsetOrder).

import type { UnitBackend } from './types.ts';

const byId = (a: UnitBackend, b: UnitBackend): number => a.backend.id - b.backend.id;

/**
 * The order of a subset's slots (a node's Local-policy backends, a zone's): active by ID, then
 * terminating by ID. A subset's order depends on its own members only, so a change elsewhere in
 * the port's list never moves its slots.
 */
export const subsetOrder = (a: UnitBackend, b: UnitBackend): number => (a.terminating === b.terminating ? byId(a, b) : a.terminating ? 1 : -1);

/** `backends`: one per backend (no repeats). `previous`: backend IDs by slot, slot 1 first. */
export function slotOrder(backends: readonly UnitBackend[], previous: readonly number[] | undefined): UnitBackend[] {
  const active = backends.filter((b) => !b.terminating).sort(byId);
  const terminating = backends.filter((b) => b.terminating).sort(byId);
  if (!previous) return [...active, ...terminating];
  const slotOf = new Map<number, number>();
  previous.forEach((id, i) => slotOf.set(id, i));
  return [...keepSlots(active, slotOf, 0), ...keepSlots(terminating, slotOf, active.length)];
}

/** One part (active or terminating) placed at `offset`: kept slots first, the rest into the holes. */
function keepSlots(part: readonly UnitBackend[], slotOf: ReadonlyMap<number, number>, offset: number): UnitBackend[] {
  const placed: (UnitBackend | undefined)[] = new Array(part.length);
  const rest: UnitBackend[] = [];
  for (const b of part) {
    const at = (slotOf.get(b.backend.id) ?? -1) - offset;
    if (at >= 0 && at < part.length && !placed[at]) placed[at] = b;
    else rest.push(b);
  }
  let next = 0;
  for (let i = 0; i < placed.length; i++) if (!placed[i]) placed[i] = rest[next++];
  return placed as UnitBackend[];
}
