// Stable IDs: a key keeps the ID the lock gives it; a new key takes the next ID after the
// high-water mark, so IDs freed by removed entries wait until the ID space wraps.

export interface IdAssignment {
  ids: Map<string, number>;
  /** The counter to store for the next compile. */
  next: number;
  /** Keys left without an ID because every ID up to `maxId` is in use. */
  exhausted: string[];
}

/** The widest ID each kind's map fields can hold (see compiler/emit/map-layouts.ts). */
export const MAX_IDS = { service: 0xffff, revnat: 0xffff, backend: 0xffffffff } as const;

/**
 * `wanted` must be sorted and free of duplicates, so that new IDs come out in the same order
 * whatever order the spec listed things in.
 */
export function assignIds(wanted: readonly string[], locked: ReadonlyMap<string, number>, next: number, maxId: number): IdAssignment {
  const ids = new Map<string, number>();
  const used = new Set<number>();
  const fresh: string[] = [];
  let highest = 0;
  for (const key of wanted) {
    const id = locked.get(key);
    if (id !== undefined && id >= 1 && id <= maxId && !used.has(id)) {
      ids.set(key, id);
      used.add(id);
      if (id > highest) highest = id;
    } else {
      fresh.push(key);
    }
  }
  // A lost or hand-edited counter below an ID in use would hand out IDs freed moments ago.
  let candidate = Math.max(next, highest + 1);
  const exhausted: string[] = [];
  for (const key of fresh) {
    if (used.size >= maxId) {
      exhausted.push(key);
      continue;
    }
    for (;;) {
      if (candidate > maxId) candidate = 1;
      if (!used.has(candidate)) break;
      candidate++;
    }
    ids.set(key, candidate);
    used.add(candidate);
    candidate++;
  }
  return { ids, next: candidate > maxId ? 1 : candidate, exhausted };
}
