// The special fields of a map value (or of a global data section), found in its BTF type as the
// kernel finds them at map creation: `struct bpf_spin_lock`, `struct bpf_timer`, `struct bpf_wq` and kptrs (pointers
// tagged "kptr"/"kptr_untrusted"/"percpu_kptr"), in the value struct or in structs nested in it.
// Programs may not touch them with plain loads and stores; bpf_spin_lock needs the lock's offset.

import type { Btf } from '../runtime/format/bpf-object-btf.ts';

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

/** The special fields of the value type `typeId` (0: the map was declared by sizes only: none). */
export function mapValueFields(btf: Btf, typeId: number): MapField[] {
  const fields: MapField[] = [];
  if (typeId) collect(btf, typeId, 0, fields, 0);
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
