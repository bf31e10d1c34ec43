// The ring buffer helpers: bpf_ringbuf_reserve gives memory of the constant size asked for, or
// NULL, as an acquired reference (references.ts) that bpf_ringbuf_submit or _discard releases;
// bpf_ringbuf_output and _query take the map. Reserved memory is read and written in bounds.

import { fail, R } from './errors';
import { acquireReference, checkReferencesChangeable, releaseReference } from './references';
import { PTR_TO_MEM, PTR_TO_MEM_OR_NULL, Reg, SCALAR, typeName } from './reg';
import { State } from './state';

/** The size argument of bpf_ringbuf_reserve: a known constant. */
export function checkReserveSize(st: State, i: i32, n: i32, r: Reg): bool {
  if (!checkReferencesChangeable(st, i)) return false;
  if (r.type != SCALAR) return fail(i, R(n) + ' type=' + typeName(r.type) + ' expected=scalar');
  if (!r.isConst()) return fail(i, R(n) + ' is not a known constant');
  return true;
}

/** r0 after bpf_ringbuf_reserve(map, size, flags): `size` bytes or NULL, a new reference. */
export function reserveResult(st: State, i: i32, size: i32): void {
  const r0 = st.reg(0);
  r0.markPointer(PTR_TO_MEM_OR_NULL);
  r0.range = size;
  const id = acquireReference(st, i);
  r0.id = id;
  r0.refId = id;
}

/** The record argument of bpf_ringbuf_submit/discard: reserved memory, at its start; released. */
export function releaseRecord(st: State, i: i32, n: i32): bool {
  if (!checkReferencesChangeable(st, i)) return false;
  const r = st.reg(n);
  if (r.type != PTR_TO_MEM || r.refId == 0) return fail(i, R(n) + ' type=' + typeName(r.type) + ' expected=ringbuf_mem');
  if (r.off != 0 || !r.isConst() || r.v != 0) {
    return fail(i, R(n) + ' must have zero offset when passed to release func or trusted arg to kfunc');
  }
  return releaseReference(st, i, r.refId);
}
