// Helpers that call back into the program: bpf_loop and bpf_for_each_map_elem. The callback is a
// static function, referenced by an LD_IMM64 of a function (PTR_TO_FUNC), verified as the kernel
// does: entered from the call with the arguments the helper gives it, made to return 0 or 1, and
// then the call is taken again, so the callback runs any number of times; the path after the
// call stands for "no more runs". The walk stops once the state back at the call is no more
// general than the one an earlier run started from (prune.ts), with every value compared.

import { Cfg } from './cfg';
import { fail, R, UNSUPPORTED } from './errors';
import { newId } from './ids';
import { CALL_HELPER, CLS_JMP, JMP_CALL } from './opcode';
import { prog } from './program';
import { proto } from './helpers';
import { CONST_PTR_TO_MAP, PTR_TO_FUNC, PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, PTR_TO_STACK, Reg, SCALAR, typeName } from './reg';
import { MAX_FRAMES, State, cloneState } from './state';
import { previousEntry } from './prune';
import { truncateTo } from './bounds';
import { checkNoReferences } from './references';

export const FUNC_FOR_EACH_MAP_ELEM: i32 = 164;
export const FUNC_LOOP: i32 = 181;
export const FUNC_TIMER_SET_CALLBACK: i32 = 170;

/** Frame.callback: which helper called the frame's function back (0: an ordinary call). */
export const CALLBACK_NONE: i32 = 0;
export const CALLBACK_LOOP: i32 = 1;
export const CALLBACK_MAP_ELEM: i32 = 2;
/** A bpf_timer callback: runs later, on its own, once per firing (exitAsyncCallback). */
export const CALLBACK_TIMER: i32 = 3;

/** Whether helper `helper` calls a function back (its prototype says: helpers.ts). */
export function callsBack(helper: i32): bool {
  const p = proto(helper);
  return p != null && p.callsBack;
}

/** Whether instruction i is a call of a helper that calls back. */
export function isCallbackSite(i: i32): bool {
  return unchecked(prog.code[i]) == (CLS_JMP | JMP_CALL) && unchecked(prog.src[i]) == CALL_HELPER && callsBack(unchecked(prog.imm[i]));
}

let sites: StaticArray<bool> = changetype<StaticArray<bool>>(0);

/** The call sites are prune points: that is where runs of the callback are found to repeat. */
export function markCallbackSites(cfg: Cfg): void {
  sites = new StaticArray<bool>(prog.count);
  for (let i = 0; i < prog.count; i++) {
    if (!unchecked(cfg.isImmHi[i]) && isCallbackSite(i)) {
      unchecked((cfg.prunePoint[i] = true));
      unchecked((sites[i] = true));
    }
  }
}

/** Whether i is a call site of a helper that calls back (after markCallbackSites). */
export function callbackSiteAt(i: i32): bool {
  return unchecked(sites[i]);
}

/** LD_IMM64 of a function at i: a pointer to the function starting at `target`. */
export function loadFuncRef(st: State, d: i32, target: i32): void {
  const r = st.reg(d);
  r.markPointer(PTR_TO_FUNC);
  r.map = target;
}

/** The callback argument: a function pointer, unmodified. Returns its first instruction, or -1. */
export function callbackTarget(i: i32, n: i32, r: Reg): i32 {
  if (r.type != PTR_TO_FUNC) {
    fail(i, R(n) + ' type=' + typeName(r.type) + ' expected=func');
    return -1;
  }
  return r.map;
}

/** The callback's context argument: the caller's stack, or NULL. */
export function checkCallbackContext(i: i32, n: i32, r: Reg): bool {
  if (r.type == PTR_TO_STACK || r.isZero()) return true;
  return fail(i, R(n) + ' type=' + typeName(r.type) + ' expected=fp');
}

let entry: State | null = null;

/**
 * At the helper call i, arguments checked and before they are clobbered: the state that runs
 * the callback once, for verify.ts to explore (takeCallbackEntry). `map` for bpf_for_each_map_elem.
 */
export function enterCallback(st: State, i: i32, helper: i32, target: i32, subprog: i32, map: i32): bool {
  if (st.depth >= MAX_FRAMES) return fail(i, 'the call stack of ' + (st.depth + 1).toString() + ' frames is too deep !');
  const cb = cloneState(st);
  const caller = cb.cur;
  const callee = cb.pushFrame(i, subprog);
  // The caller's references stay held through every run; the callback may not change them
  // (references.ts), so each run ends holding exactly what it started with.
  callee.heldRefs = st.refs.length > 0;
  if (helper == FUNC_LOOP) {
    // callback(u32 index, void *ctx)
    callee.callback = CALLBACK_LOOP;
    unchecked(callee.regs[1]).markUnknown();
    unchecked(callee.regs[2]).copyFrom(unchecked(caller.regs[3]));
  } else {
    // callback(map, key, value, ctx); a timer's callback(map, key, value), `map` the timer's.
    callee.callback = helper == FUNC_TIMER_SET_CALLBACK ? CALLBACK_TIMER : CALLBACK_MAP_ELEM;
    const m = unchecked(callee.regs[1]);
    m.markPointer(CONST_PTR_TO_MAP);
    m.map = map;
    const k = unchecked(callee.regs[2]);
    k.markPointer(PTR_TO_MAP_KEY);
    k.map = map;
    const v = unchecked(callee.regs[3]);
    v.markPointer(PTR_TO_MAP_VALUE);
    v.map = map;
    v.id = newId();
    if (helper != FUNC_TIMER_SET_CALLBACK) unchecked(callee.regs[4]).copyFrom(unchecked(caller.regs[3]));
  }
  cb.pc = target;
  entry = cb;
  return true;
}

/** The callback state the last helper call made, once. */
export function takeCallbackEntry(): State | null {
  const e = entry;
  entry = null;
  return e;
}

/**
 * The exit of a callback: r0 must be 0 or 1; then back to the call, which runs it again or not.
 * The caller's registers are as they were at the call (its arguments included).
 */
export function exitCallback(st: State, i: i32): bool {
  const r0 = st.reg(0);
  if (r0.type == 0) return fail(i, 'R0 !read_ok');
  if (r0.type != SCALAR) return fail(i, 'R0 not a scalar value');
  if (r0.smin < 0 || r0.smax > 1) {
    let has = '';
    if (r0.smin > i64.MIN_VALUE) has += ' smin=' + r0.smin.toString();
    if (r0.smax < i64.MAX_VALUE) has += ' smax=' + r0.smax.toString();
    if (!has.length) has = ' unknown scalar value';
    return fail(i, 'At callback return the register R0 has' + has + ' should have been in [0, 1]');
  }
  if (st.lockMap >= 0) return fail(i, 'a callback returning with a bpf_spin_lock held is not modelled by this verifier', UNSUPPORTED);
  if (st.refs.length && !st.cur.heldRefs) return fail(i, 'a callback returning with a reference held is not modelled by this verifier', UNSUPPORTED);
  const callsite = st.cur.callsite;
  st.popFrame();
  st.pc = callsite;
  const before = previousEntry(st, callsite);
  if (before) widen(before, st);
  returning = true;
  return true;
}

/**
 * The exit of a timer callback, which ends its path: the kernel verifies it as a program of its
 * own that runs when the timer fires, so it returns to no caller, must return 0 and may keep no
 * reference it acquired.
 */
export function exitAsyncCallback(st: State, i: i32): bool {
  const r0 = st.reg(0);
  if (r0.type == 0) return fail(i, 'R0 !read_ok');
  if (r0.type != SCALAR) return fail(i, 'R0 not a scalar value');
  if (r0.smin != 0 || r0.smax != 0) {
    let has = '';
    if (r0.smin > i64.MIN_VALUE) has += ' smin=' + r0.smin.toString();
    if (r0.smax < i64.MAX_VALUE) has += ' smax=' + r0.smax.toString();
    if (!has.length) has = ' unknown scalar value';
    return fail(i, 'At async callback return the register R0 has' + has + ' should have been in [0, 0]');
  }
  if (st.lockMap >= 0) return fail(i, 'BPF_EXIT instruction in main prog cannot be used inside bpf_spin_lock-ed region');
  // Whatever its caller held is not the callback's (heldRefs: it could change none of them).
  if (!st.cur.heldRefs) return checkNoReferences(st, i, 'BPF_EXIT instruction in main prog');
  return true;
}

/** Set by a callback's exit: the next prune visit (at the call, a prune point) ends a run. */
let returning: bool = false;

/** Whether the state now at a prune point comes back from a callback run; clears the mark. */
export function takeCallbackReturn(): bool {
  const r = returning;
  returning = false;
  return r;
}

/** Whether any frame of the path runs a callback. */
export function inCallback(st: State): bool {
  for (let f = 0; f < st.depth; f++) if (st.frame(f).callback != CALLBACK_NONE) return true;
  return false;
}

/**
 * Numbers the runs so far changed become unknown, so that the runs settle (the kernel widens
 * likewise, the imprecise ones only; widening every one never accepts more, it may refuse more).
 * A run changes only what the callback reaches through its context: the caller's stack.
 */
function widen(before: State, st: State): void {
  if (before.depth != st.depth) return;
  for (let f = 0; f < st.depth; f++) {
    const old = before.frame(f);
    const cur = st.frame(f);
    for (let s = 0; s < 64; s++) {
      const o = unchecked(old.spill[s]);
      const c = unchecked(cur.spill[s]);
      if (!o || !c || o.type != SCALAR || c.type != SCALAR) continue;
      if (unchecked(old.spillSize[s]) != unchecked(cur.spillSize[s])) continue;
      if (o.v != c.v || o.m != c.m || o.smin != c.smin || o.smax != c.smax || o.umin != c.umin || o.umax != c.umax ||
          o.s32min != c.s32min || o.s32max != c.s32max || o.u32min != c.u32min || o.u32max != c.u32max) {
        c.markUnknown();
        if (unchecked(cur.spillSize[s]) < 8) truncateTo(c, unchecked(cur.spillSize[s]));
      }
    }
  }
}

export function initCallbacks(): void {
  entry = null;
  returning = false;
}
