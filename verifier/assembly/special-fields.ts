// Special fields of map values (verifier/map-fields.ts finds them in BTF): the kernel owns a
// bpf_spin_lock, a bpf_timer, a bpf_wq or a kptr inside a value, so plain loads and stores that
// overlap one are refused, and bpf_spin_lock must point exactly at the value's lock.

import { fail, UNSUPPORTED } from './errors';
import { Reg } from './reg';

/** Field kinds; the host's numbering is verifier/map-fields.ts fieldKinds. */
export const FIELD_SPIN_LOCK: i32 = 1;
export const FIELD_TIMER: i32 = 2;
export const FIELD_KPTR: i32 = 3;
export const FIELD_WORKQUEUE: i32 = 4;

let fieldMap: Array<i32> = changetype<Array<i32>>(0);
let fieldKind: Array<i32> = changetype<Array<i32>>(0);
let fieldOff: Array<i32> = changetype<Array<i32>>(0);
let fieldSize: Array<i32> = changetype<Array<i32>>(0);

export function initSpecialFields(): void {
  fieldMap = new Array<i32>();
  fieldKind = new Array<i32>();
  fieldOff = new Array<i32>();
  fieldSize = new Array<i32>();
}

export function addSpecialField(map: i32, kind: i32, off: i32, size: i32): void {
  fieldMap.push(map);
  fieldKind.push(kind);
  fieldOff.push(off);
  fieldSize.push(size);
}

/** Byte offset of map `map`'s field of `kind` in its value, or -1. */
export function fieldOffset(map: i32, kind: i32): i32 {
  for (let k = 0; k < fieldMap.length; k++) {
    if (unchecked(fieldMap[k]) == map && unchecked(fieldKind[k]) == kind) return unchecked(fieldOff[k]);
  }
  return -1;
}

/** Byte offset of map `map`'s bpf_spin_lock in its value, or -1. */
export function spinLockOffset(map: i32): i32 {
  return fieldOffset(map, FIELD_SPIN_LOCK);
}

/** The kernel's name of a field kind in its messages. */
function kindName(kind: i32): string {
  if (kind == FIELD_SPIN_LOCK) return 'bpf_spin_lock';
  if (kind == FIELD_TIMER) return 'bpf_timer';
  if (kind == FIELD_WORKQUEUE) return 'bpf_wq';
  return 'kptr';
}

/**
 * A direct access of `size` bytes at `off` from the map value pointer `reg` (already within the
 * value): refused where any byte it may touch belongs to a special field.
 */
export function checkSpecialFields(insn: i32, reg: Reg, off: i32, size: i32): bool {
  const lo = <i64>reg.off + <i64>off + reg.smin;
  const hi = <i64>reg.off + <i64>off + <i64>reg.umax + <i64>size;
  for (let k = 0; k < fieldMap.length; k++) {
    if (unchecked(fieldMap[k]) != reg.map) continue;
    const p = <i64>unchecked(fieldOff[k]);
    if (lo < p + <i64>unchecked(fieldSize[k]) && p < hi) {
      const kind = unchecked(fieldKind[k]);
      // The kernel lets exact 8-byte accesses to a kptr through, typed by its BTF: not modelled.
      if (kind == FIELD_KPTR) return fail(insn, 'access to a kptr field of a map value is not modelled by this verifier', UNSUPPORTED);
      return fail(insn, kindName(kind) + ' cannot be accessed directly by load/store');
    }
  }
  return true;
}
