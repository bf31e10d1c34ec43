// bpf_spin_lock and bpf_spin_unlock, with the kernel's rules: the argument is a map value
// pointer at exactly the offset of its value's lock (special-fields.ts), one lock is held at a
// time, nothing but bpf_spin_unlock may be called while it is held (static functions may: the
// lock is the path's, so their helper calls are refused too; global ones may not), and no path
// may leave the program holding it. The lock is known by the map and the lookup its value came from.

import { fail } from './errors';
import { Reg, PTR_TO_MAP_VALUE, typeName } from './reg';
import { spinLockOffset } from './special-fields';
import { State } from './state';
import { prog } from './program';
import { PROG_SOCKET_FILTER } from './uapi';

export const FUNC_SPIN_LOCK: i32 = 93;
export const FUNC_SPIN_UNLOCK: i32 = 94;

export function lockHeld(st: State): bool {
  return st.lockMap >= 0;
}

/** Before any helper call: while a lock is held only bpf_spin_unlock may be called. */
export function checkCallWhileLocked(st: State, i: i32, helper: i32): bool {
  if (lockHeld(st) && helper != FUNC_SPIN_UNLOCK) return fail(i, 'function calls are not allowed while holding a lock');
  return true;
}

/** A call to a global function (verified on its own) while a lock is held. */
export function checkGlobalCallUnlocked(st: State, i: i32): bool {
  if (lockHeld(st)) return fail(i, 'global function calls are not allowed while holding a lock,\nuse static function instead');
  return true;
}

/** At the main program's exit: the lock must have been released. */
export function checkExitUnlocked(st: State, i: i32): bool {
  if (lockHeld(st)) return fail(i, 'BPF_EXIT instruction in main prog cannot be used inside bpf_spin_lock-ed region');
  return true;
}

/** The lock argument (r1) of bpf_spin_lock (`lock`) or bpf_spin_unlock: checks it, takes or drops the lock. */
export function doSpinLock(st: State, i: i32, lock: bool): bool {
  const r = st.reg(1);
  if (r.type != PTR_TO_MAP_VALUE) return fail(i, 'R1 type=' + typeName(r.type) + ' expected=map_value');
  if (!r.isConst()) {
    return fail(i, "R1 doesn't have constant offset. bpf_spin_lock has to be at the constant offset");
  }
  const at = spinLockOffset(r.map);
  if (at < 0) return fail(i, 'map #' + r.map.toString() + ' has no valid bpf_spin_lock');
  const off = <i64>r.off + <i64>r.v;
  if (off != <i64>at) {
    return fail(i, 'off ' + off.toString() + " doesn't point to 'struct bpf_spin_lock' that is at " + at.toString());
  }
  if (lock) {
    if (lockHeld(st)) return fail(i, 'Locking two bpf_spin_locks are not allowed');
    st.lockMap = r.map;
    st.lockId = r.id;
    return true;
  }
  if (!lockHeld(st)) return fail(i, 'bpf_spin_unlock without taking a lock');
  if (st.lockMap != r.map || st.lockId != r.id) return fail(i, 'bpf_spin_unlock of different lock');
  st.lockMap = -1;
  st.lockId = 0;
  return true;
}

/** Socket filters may not use a map whose value has a spin lock at all (checked at the reference). */
export function mapAllowedForProgram(i: i32, map: i32): bool {
  if (prog.progType == PROG_SOCKET_FILTER && spinLockOffset(map) >= 0) return fail(i, 'socket filter progs cannot use bpf_spin_lock yet');
  return true;
}

/** A lookup's value in a map with a spin lock keeps its id, which names the lock. */
export function valueNamesLock(reg: Reg): bool {
  return reg.type == PTR_TO_MAP_VALUE && reg.map >= 0 && spinLockOffset(reg.map) >= 0;
}
