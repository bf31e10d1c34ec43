// References a program acquires and must release before it ends (ring buffer reservations):
// each is an id in State.refs, carried by the pointers to it as Reg.refId. Releasing one turns
// every copy into a plain number; a reservation found NULL was never acquired; the main
// program's exit, and a tail call, with one still held are refused.

import { fail, UNSUPPORTED } from './errors';
import { newId } from './ids';
import { isPointer } from './reg';
import { State } from './state';

/** Where each reference was acquired, by id (ids are never reused within a verification). */
let acquiredAt: Map<u32, i32> = new Map<u32, i32>();

export function initReferences(): void {
  acquiredAt = new Map<u32, i32>();
}

/**
 * Whether the path may acquire or release a reference at i: not inside a callback whose caller
 * holds references, where a run could release the caller's record (reached through the context)
 * or end holding a new one; the kernel's rules for those are not modelled.
 */
export function checkReferencesChangeable(st: State, i: i32): bool {
  for (let f = 0; f < st.depth; f++) {
    if (st.frame(f).heldRefs) {
      return fail(i, 'a callback acquiring or releasing a reference while its caller holds one is not modelled by this verifier', UNSUPPORTED);
    }
  }
  return true;
}

/** A new reference held by the path, acquired by instruction i; returns its id. */
export function acquireReference(st: State, i: i32): u32 {
  const id = newId();
  st.refs.push(id);
  acquiredAt.set(id, i);
  return id;
}

function dropReference(st: State, id: u32): bool {
  for (let k = 0; k < st.refs.length; k++) {
    if (unchecked(st.refs[k]) == id) {
      st.refs.splice(k, 1);
      return true;
    }
  }
  return false;
}

/** Releases reference `id`: every register and spill pointing to it becomes an unknown scalar. */
export function releaseReference(st: State, i: i32, id: u32): bool {
  if (id == 0 || !dropReference(st, id)) return fail(i, 'release of an unacquired reference id=' + id.toString());
  for (let f = 0; f < st.depth; f++) {
    const fr = st.frame(f);
    for (let r = 0; r < 10; r++) {
      const reg = unchecked(fr.regs[r]);
      if (isPointer(reg.type) && reg.refId == id) reg.markUnknown();
    }
    for (let s = 0; s < 64; s++) {
      const sp = unchecked(fr.spill[s]);
      if (sp && isPointer(sp.type) && sp.refId == id) sp.markUnknown();
    }
  }
  return true;
}

/** After a null check found the acquiring call's result NULL: nothing was acquired. */
export function forgetNullReference(st: State, id: u32): void {
  dropReference(st, id);
}

/** Where the program ends (main exit, tail call): no reference may be held. */
export function checkNoReferences(st: State, i: i32, where: string): bool {
  if (!st.refs.length) return true;
  const id = unchecked(st.refs[0]);
  const at = acquiredAt.has(id) ? ' alloc_insn=' + acquiredAt.get(id).toString() : '';
  return fail(i, 'Unreleased reference id=' + id.toString() + at + '\n' + where + ' would lead to reference leak');
}
