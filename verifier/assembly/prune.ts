// State pruning: at prune points (cfg.ts) the states seen are kept; a new state that is no more
// general than a kept one whose every continuation already verified is safe, and its path
// stops there. A state identical to one still being explored on its own path is an infinite loop.

import { callbackSiteAt, takeCallbackReturn } from './callbacks';
import { isUnbounded, rangeWithin } from './bounds';
import { Cfg } from './cfg';
import { fail } from './errors';
import {
  Reg, NOT_INIT, SCALAR, CONST_PTR_TO_MAP, PTR_TO_CTX, PTR_TO_MAP_VALUE, PTR_TO_STACK, isOrNull, isPacket, PTR_TO_PACKET_END,
  PTR_TO_MAP_KEY, PTR_TO_MEM, PTR_TO_MEM_OR_NULL,
} from './reg';
import { Frame, State, STACK_SIZE, STACK_SPILL, STACK_ZERO, cloneState } from './state';
import { tnumIn } from './tnum';
import { ALL_SLOTS, precRegs, precSlots } from './precision';

/** States kept per instruction at most; later ones are not kept (only compared against). */
const MAX_STATES_PER_INSN: i32 = 64;
/**
 * Loop heads compare with their latest few running states only: a loop that repeats a state
 * shows it within an iteration or two, and any other runs into the instruction limit anyway.
 */
const LOOP_CHECKS: i32 = 4;
/** How far up a path the infinite-loop check looks for the state it matched. */
const MAX_ANCESTOR_WALK: i32 = 100000;

export class Explored {
  /** Paths still running below this state (its own continuation and the branches it forked). */
  pending: i32 = 1;
  /** Prunes it allowed and comparisons it failed: states that rarely help are dropped. */
  hits: i32 = 0;
  misses: i32 = 0;
  constructor(public state: State, public parent: Explored | null, public insn: i32) {}
}

let explored: StaticArray<Array<Explored> | null> = changetype<StaticArray<Array<Explored> | null>>(0);
let liveIn: StaticArray<u16> = changetype<StaticArray<u16>>(0);
let cfgRef: Cfg = changetype<Cfg>(0);
export let totalStates: i32 = 0;
/**
 * Values some prune of this walk ignored: (instruction << 7) | register, or | 64 + slot for a
 * stack slot. verify.ts walks again only if later-found branches make one of them matter.
 */
export let relaxed: Array<i32> = changetype<Array<i32>>(0);
/** More were ignored than recorded: assume any may matter. */
export let relaxedOverflow: bool = false;
const MAX_RELAXED: i32 = 1 << 16;
// Ignored while comparing one pair of states; kept only if the prune happens.
let pendingRelaxed: StaticArray<i32> = changetype<StaticArray<i32>>(0);
let pendingCount: i32 = 0;
let pendingOverflow: bool = false;
let lastRelaxed: bool = false;

function notePending(v: i32): void {
  if (pendingCount < pendingRelaxed.length) unchecked((pendingRelaxed[pendingCount++] = v));
  else pendingOverflow = true;
}

function commitPending(): void {
  for (let k = 0; k < pendingCount; k++) {
    if (relaxed.length >= MAX_RELAXED) {
      relaxedOverflow = true;
      break;
    }
    relaxed.push(unchecked(pendingRelaxed[k]));
  }
  if (pendingOverflow) relaxedOverflow = true;
}

export function resetPruneStats(): void {
  totalStates = 0;
  peakStates = 0;
}
export let peakStates: i32 = 0;

let liveSlots: StaticArray<u64> = changetype<StaticArray<u64>>(0);

export function initPrune(cfg: Cfg, live: StaticArray<u16>, slots: StaticArray<u64>): void {
  relaxed = new Array<i32>();
  sinceStore = STORE_EVERY;
  relaxedOverflow = false;
  pendingRelaxed = new StaticArray<i32>(256);
  explored = new StaticArray<Array<Explored> | null>(live.length);
  liveIn = live;
  liveSlots = slots;
  cfgRef = cfg;
  totalStates = 0;
  peakStates = 0;
  idCount = 0;
}

function checkpointOf(st: State): Explored | null {
  return st.checkpoint ? changetype<Explored>(st.checkpoint) : null;
}

/** A state is about to fork a branch: its checkpoint has one more pending path. */
export function noteFork(st: State): void {
  const cp = checkpointOf(st);
  if (cp) cp.pending++;
}

/** A path ended (exit, pruned, or dead): checkpoints whose paths are all done become usable. */
export function notePathEnd(st: State): void {
  let cp = checkpointOf(st);
  while (cp) {
    cp.pending--;
    if (cp.pending > 0) break;
    cp = cp.parent;
  }
}

/** Instructions processed since a state was last kept (verify.ts counts them). */
export let sinceStore: i32 = 0;
const STORE_EVERY: i32 = 8;

export function countProcessed(): void {
  sinceStore++;
}

export const VISIT_CONTINUE: i32 = 0;
export const VISIT_PRUNED: i32 = 1;
export const VISIT_LOOP: i32 = 2;

/** At a prune point: prune the path, detect a loop, or keep the state and go on. */
export function visitPrunePoint(st: State, insn: i32): i32 {
  const afterRun = takeCallbackReturn();
  let list = unchecked(explored[insn]);
  if (list) {
    for (let k = 0; k < list.length; k++) {
      const e = unchecked(list[k]);
      if (e.pending == 0) {
        pendingCount = 0;
        pendingOverflow = false;
        if (statesSafe(e.state, st, insn, false)) {
          commitPending();
          e.hits++;
          return VISIT_PRUNED;
        }
        // A finished state that keeps failing is not worth comparing against any more.
        if (++e.misses > e.hits * 3 + 3) {
          unchecked((list[k] = list[list.length - 1]));
          list.pop();
          k--;
          continue;
        }
      } else if (afterRun && isAncestor(e, st)) {
        // Back at a callback's call after a run (callbacks.ts): a state no more general than the
        // one an earlier run started from adds nothing; every value counts here.
        pendingCount = 0;
        pendingOverflow = false;
        if (statesSafe(e.state, st, insn, false)) {
          commitPending();
          e.hits++;
          return VISIT_PRUNED;
        }
      } else if (unchecked(cfgRef.loopHead[insn]) && k >= list.length - LOOP_CHECKS && statesSafe(e.state, st, insn, true) && isAncestor(e, st)) {
        fail(insn, 'infinite loop detected at insn ' + insn.toString());
        return VISIT_LOOP;
      }
    }
  } else {
    list = new Array<Explored>();
    unchecked((explored[insn] = list));
  }
  // Like the kernel, keep a new state only every few instructions (but always at loop heads,
  // where loops are caught): fewer copies and shorter lists cost less than the prunes they miss.
  if (list.length < MAX_STATES_PER_INSN && (sinceStore >= STORE_EVERY || unchecked(cfgRef.loopHead[insn]) || callbackSiteAt(insn))) {
    sinceStore = 0;
    const e = new Explored(cloneState(st), checkpointOf(st), insn);
    list.push(e);
    st.checkpoint = changetype<usize>(e);
    totalStates++;
    if (totalStates > peakStates) peakStates = totalStates;
  }
  return VISIT_CONTINUE;
}

/** The state kept nearest up `st`'s path at instruction `insn`, or null (callbacks.ts widens against it). */
export function previousEntry(st: State, insn: i32): State | null {
  let cp = checkpointOf(st);
  for (let n = 0; cp && n < MAX_ANCESTOR_WALK; n++) {
    if (cp.insn == insn) return cp.state;
    cp = cp.parent;
  }
  return null;
}

function isAncestor(e: Explored, st: State): bool {
  let cp = checkpointOf(st);
  for (let n = 0; cp && n < MAX_ANCESTOR_WALK; n++) {
    if (cp == e) return true;
    cp = cp.parent;
  }
  return false;
}

// Id correspondences found while comparing two states (old id -> cur id and back).
let idOld = new StaticArray<u32>(0);
let idCur = new StaticArray<u32>(0);
let idCount: i32 = 0;

export function initIdMap(): void {
  idOld = new StaticArray<u32>(1024);
  idCur = new StaticArray<u32>(1024);
  idCount = 0;
}

function idsMatch(o: u32, c: u32): bool {
  if (o == 0 || c == 0) return o == c;
  for (let k = 0; k < idCount; k++) {
    if (unchecked(idOld[k]) == o) return unchecked(idCur[k]) == c;
    if (unchecked(idCur[k]) == c) return false;
  }
  if (idCount >= idOld.length) return false;
  unchecked((idOld[idCount] = o));
  unchecked((idCur[idCount] = c));
  idCount++;
  return true;
}

function valueWithin(o: Reg, c: Reg): bool {
  return rangeWithin(o, c) && tnumIn(o.v, o.m, c.v, c.m);
}

function valueEqual(o: Reg, c: Reg): bool {
  return o.v == c.v && o.m == c.m && o.smin == c.smin && o.smax == c.smax && o.umin == c.umin && o.umax == c.umax &&
    o.s32min == c.s32min && o.s32max == c.s32max && o.u32min == c.u32min && o.u32max == c.u32max;
}

/**
 * Whether everything `c` may hold, `o` may hold too (exact: they are the same). `precise`:
 * whether a scalar's value can still matter (precision.ts); when not, any scalar will do.
 */
function regSafe(o: Reg, c: Reg, exact: bool, precise: bool = true): bool {
  if (exact) {
    return o.type == c.type && o.off == c.off && o.range == c.range && o.map == c.map && o.frame == c.frame && o.delta == c.delta &&
      valueEqual(o, c) && idsMatch(o.id, c.id) && idsMatch(o.refId, c.refId);
  }
  if (o.type == NOT_INIT) return true;
  if (c.type != o.type) return false;
  if (o.type == SCALAR) {
    if (!precise) {
      if (!valueWithin(o, c) || (o.id != 0 && (c.id == 0 || o.delta != c.delta))) lastRelaxed = true;
      return true;
    }
    if (!valueWithin(o, c)) return false;
    if (o.id != 0) return c.id != 0 && o.delta == c.delta && idsMatch(o.id, c.id);
    return true;
  }
  if (o.off != c.off || o.map != c.map || o.frame != c.frame) return false;
  if (!valueWithin(o, c)) return false;
  const t = o.type;
  if (isPacket(t)) return c.range >= o.range && idsMatch(o.id, c.id);
  if (t == PTR_TO_MEM || t == PTR_TO_MEM_OR_NULL) return o.range == c.range && idsMatch(o.id, c.id) && idsMatch(o.refId, c.refId);
  if (isOrNull(t)) return idsMatch(o.id, c.id) && idsMatch(o.refId, c.refId);
  // Map values keep their lookup's id where the value has a spin lock: which lock it is.
  if (t == PTR_TO_MAP_VALUE) return idsMatch(o.id, c.id);
  if (t == PTR_TO_CTX || t == PTR_TO_STACK || t == CONST_PTR_TO_MAP || t == PTR_TO_PACKET_END ||
      t == PTR_TO_MAP_KEY) {
    return true;
  }
  return idsMatch(o.id, c.id) && idsMatch(o.refId, c.refId);
}

function stackSafe(o: Frame, c: Frame, exact: bool, preciseSlots: u64, live: u64): bool {
  for (let slot = 0; slot < STACK_SIZE / 8; slot++) {
    const bit = <u64>1 << <u64>slot;
    if (exact) {
      if (!slotEqual(o, c, slot)) return false;
      continue;
    }
    if ((live & bit) == 0) continue;
    if ((preciseSlots & bit) == 0 && dataOnly(o, slot) && dataOnly(c, slot)) {
      // Ignored: noted unless plainly the same (a difference the values would not show is
      // noted too, which only costs a walk).
      if (!sameBytes(o, c, slot) || unchecked(o.spill[slot]) || unchecked(c.spill[slot])) notePending((insnNow << 7) | (64 + slot));
      continue;
    }
    if (!slotSafe(o, c, slot)) return false;
  }
  return true;
}

function slotEqual(o: Frame, c: Frame, slot: i32): bool {
  const base = slot * 8;
  for (let b = base; b < base + 8; b++) if (unchecked(o.slot[b]) != unchecked(c.slot[b])) return false;
  const os = unchecked(o.spill[slot]);
  const cs = unchecked(c.spill[slot]);
  if ((os != null) != (cs != null) || unchecked(o.spillSize[slot]) != unchecked(c.spillSize[slot])) return false;
  return !os || !cs || regSafe(os, cs, true);
}

// @ts-ignore: decorator
@inline function sameBytes(o: Frame, c: Frame, slot: i32): bool {
  return load<u64>(changetype<usize>(o.slot) + (<usize>slot << 3)) == load<u64>(changetype<usize>(c.slot) + (<usize>slot << 3));
}

/** Whether slot `slot` of `c` is covered by that of `o`, values compared. */
function slotSafe(o: Frame, c: Frame, slot: i32): bool {
  if (sameBytes(o, c, slot) && !unchecked(o.spill[slot]) && !unchecked(c.spill[slot])) return true;
  const base = slot * 8;
  const os = unchecked(o.spill[slot]);
  const cs = unchecked(c.spill[slot]);
  const on = unchecked(o.spillSize[slot]);
  const cn = unchecked(c.spillSize[slot]);
  let oldCovers = 0;
  if (os) {
    if (cs && on == cn) {
      if (!regSafe(os, cs, false)) return false;
      oldCovers = on;
    } else if (os.type != SCALAR || os.id != 0 || !isUnbounded(os)) {
      // A spill says more than plain data, unless it is an unknown number.
      return false;
    }
  }
  for (let b = base + oldCovers; b < base + 8; b++) {
    const ot = unchecked(o.slot[b]);
    const ct = unchecked(c.slot[b]);
    if (ot == STACK_ZERO && ct != STACK_ZERO) return false;
    // Data (or an unknown number) covers data, but not a spilled pointer: a pointer loads as
    // a pointer, and narrower loads of it are refused.
    if (ct == STACK_SPILL && cs && cs.type != SCALAR) return false;
  }
  return true;
}

/** Whether a stack slot holds no pointer: uninitialised bytes, data, zeros or a spilled scalar. */
function dataOnly(f: Frame, slot: i32): bool {
  const s = unchecked(f.spill[slot]);
  return !s || s.type == SCALAR;
}

/** Registers live in frame `f` of `st` at `insn` (callers: what they read after the call). */
function liveMask(st: State, f: i32, insn: i32): u16 {
  if (f == st.depth - 1) return unchecked(liveIn[insn]);
  // A callback returns to its call, which reads the arguments again: all of the caller counts.
  if (st.frame(f + 1).callback != 0) return 0x3ff;
  const callsite = st.frame(f + 1).callsite;
  return unchecked(liveIn[callsite + 1]) & 0b1111000000;
}

/** Whether `cur` at `insn` is covered by `old` (or, exact, identical to it where it matters). */
let insnNow: i32 = 0;

export function statesSafe(old: State, cur: State, insn: i32, exact: bool): bool {
  insnNow = insn;
  if (old.depth != cur.depth) return false;
  for (let f = 0; f < old.depth; f++) {
    const ofr = old.frame(f);
    const cf = cur.frame(f);
    // heldRefs: the same references mean different things to a callback whose caller holds them.
    if (ofr.callsite != cf.callsite || ofr.subprog != cf.subprog || ofr.heldRefs != cf.heldRefs) return false;
  }
  if (old.refs.length != cur.refs.length) return false;
  idCount = 0;
  for (let k = 0; k < old.refs.length; k++) if (!idsMatch(old.refs[k], cur.refs[k])) return false;
  if (old.lockMap != cur.lockMap || !idsMatch(old.lockId, cur.lockId)) return false;
  for (let f = 0; f < old.depth; f++) {
    const ofr = old.frame(f);
    const cf = cur.frame(f);
    const live = liveMask(cur, f, insn);
    // Precision is known for the running frame only; callers' values all count.
    const top = f == cur.depth - 1;
    const precise = top ? <i32>unchecked(precRegs[insn]) : 0x3ff;
    for (let r = 0; r < 10; r++) {
      if ((<i32>live & (1 << r)) == 0) continue;
      lastRelaxed = false;
      if (!regSafe(unchecked(ofr.regs[r]), unchecked(cf.regs[r]), exact, (precise & (1 << r)) != 0)) return false;
      if (lastRelaxed) notePending((insn << 7) | r);
    }
    if (!stackSafe(ofr, cf, exact, top ? unchecked(precSlots[insn]) : ALL_SLOTS, top ? unchecked(liveSlots[insn]) : ALL_SLOTS)) return false;
  }
  return true;
}
