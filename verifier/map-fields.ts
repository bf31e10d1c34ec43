// The special fields of a map value (or of a global data section), found in its BTF type as the
// kernel finds them at map creation: `struct bpf_spin_lock`, `struct bpf_timer`, `struct bpf_wq` and kptrs (pointers
// tagged "kptr"/"kptr_untrusted"/"percpu_kptr"), in the value struct or in structs nested in it.
// Programs may not touch them with plain loads and stores; bpf_spin_lock needs the lock's offset.

import type { Btf } from '../format/bpf-object-btf.ts';

/** Field kinds as the wasm verifier numbers them (verifier/assembly/special-fields.ts). */
export const fieldKinds = { spinLock: 1, timer: 2, kptr: 3, workqueue: 4 } as const;
export type FieldKind = keyof typeof fieldKinds;

export interface MapField {
  kind: FieldKind;
  /** Byte offset in the map value. */
  offset: number;
  size: number;
}

const structKinds: Record<string, FieldKind> = { bpf_spin_lock: 'spinLock', bpf_timer: 'timer', bpf_wq: 'workqueue' };
const kptrTags = new Set(['kptr', 'kptr_untrusted', 'percpu_kptr']);

/**
 * Map types whose values may hold each kind of field (the kernel's check when it creates a map
 * with BTF). Where a field is not allowed, creation with BTF fails, libbpf creates the map again
 * without BTF, and the value is plain bytes: no field at all, and bpf_spin_lock is refused.
 */
const HASH = 1, ARRAY = 2, PERCPU_HASH = 5, PERCPU_ARRAY = 6, LRU_HASH = 9, LRU_PERCPU_HASH = 10, CGROUP_STORAGE = 19;
const SK_STORAGE = 24, INODE_STORAGE = 28, TASK_STORAGE = 29, CGRP_STORAGE = 32;
const LOCAL_STORAGES = [SK_STORAGE, INODE_STORAGE, TASK_STORAGE, CGRP_STORAGE];
const allowedIn: Record<FieldKind, number[]> = {
  spinLock: [HASH, ARRAY, CGROUP_STORAGE, ...LOCAL_STORAGES],
  timer: [HASH, LRU_HASH, ARRAY],
  workqueue: [HASH, LRU_HASH, ARRAY],
  kptr: [HASH, LRU_HASH, ARRAY, PERCPU_HASH, LRU_PERCPU_HASH, PERCPU_ARRAY, ...LOCAL_STORAGES],
};

/**
 * The special fields of a map of type `mapType` whose value type is `typeId` (0: declared by
 * sizes only: none). Global data sections are arrays.
 */
export function mapValueFields(btf: Btf, typeId: number, mapType: number): MapField[] {
  const fields: MapField[] = [];
  if (typeId) collect(btf, typeId, 0, fields, 0);
  if (fields.some((f) => !allowedIn[f.kind].includes(mapType))) return [];
  return fields.sort((a, b) => a.offset - b.offset);
}

function skipQualifiers(btf: Btf, id: number): number {
  for (let t = btf.types[id]; t && (t.kind === 'TYPEDEF' || t.kind === 'VOLATILE' || t.kind === 'CONST' || t.kind === 'RESTRICT'); t = btf.types[id]) id = t.type;
  return id;
}

function collect(btf: Btf, typeId: number, base: number, out: MapField[], depth: number): void {
  const t = btf.types[skipQualifiers(btf, typeId)];
  if (!t || depth > 8) return;
  // Global data: a DATASEC of variables, each at its offset.
  if (t.kind === 'DATASEC') {
    for (const v of t.vars) collect(btf, v.type, base + v.offset, out, depth + 1);
    return;
  }
  if (t.kind === 'VAR') {
    collect(btf, t.type, base, out, depth + 1);
    return;
  }
  if (t.kind === 'STRUCT' || t.kind === 'UNION') {
    const kind = structKinds[t.name];
    if (kind) {
      out.push({ kind, offset: base, size: t.size });
      return;
    }
    for (const m of t.members) collect(btf, m.type, base + m.bitOffset / 8, out, depth + 1);
    return;
  }
  if (t.kind === 'ARRAY') {
    const elem = btf.types[skipQualifiers(btf, t.type)];
    const size = elem && 'size' in elem ? elem.size : 0;
    // Arrays of special fields: each element is one (the kernel takes them element by element).
    for (let k = 0; k < t.nelems && size > 0 && k < 64; k++) {
      const before = out.length;
      collect(btf, t.type, base + k * size, out, depth + 1);
      if (out.length === before) break;
    }
    return;
  }
  if (t.kind === 'TYPE_TAG' && kptrTags.has(t.name)) {
    out.push({ kind: 'kptr', offset: base, size: 8 });
    return;
  }
  if (t.kind === 'PTR') {
    const target = btf.types[t.type];
    if (target?.kind === 'TYPE_TAG' && kptrTags.has(target.name)) out.push({ kind: 'kptr', offset: base, size: 8 });
  }
}
