// Which scalar values can still matter: a backward dataflow marking a register or a stack slot
// "precise" when its value may reach something the verifier decides by value — a branch some walk
// decided from it, pointer arithmetic, a memory access through it, a helper's size or null
// argument, an array key, a bounded return value. Pruning compares only precise scalars by value:
// two scalars are alike where nothing will look at them. The kernel finds the same path by path;
// here it is a static over-approximation, with the decided branches found by walking (verify.ts).

import { Cfg, jumpTarget, NO_JUMP } from './cfg';
import { A_CALLBACK_CTX, A_CTX_OR_NULL, A_KEY, A_MEM_RO_OR_NULL, A_RESERVE_SIZE, A_SIZE, A_SIZE_OR_ZERO } from './helper-protos';
import { proto } from './helpers';
import {
  ALU_ADD, ALU_MOV, ALU_SUB, CALL_HELPER, CALL_LOCAL, CLS_ALU, CLS_ALU64, CLS_JMP, CLS_JMP32, CLS_LD, CLS_LDX, CLS_ST, CLS_STX,
  JMP_CALL, JMP_EXIT, JMP_JA, LD_IMM64, MODE_ATOMIC, PSEUDO_MAP_FD, SRC_X, classOf, modeOf, opOf, sizeBytes, srcOf,
} from './opcode';
import { prog } from './program';
import { MAP_ARRAY, MAP_PERCPU_ARRAY } from './uapi';
import { hasReturnRange } from './returns';
import { mayPointToCaller } from './caller-pointers';
import { ANYWHERE, NOWHERE, argSlots, callSlots, largestMapOperand, slotMask, stackRef } from './stack-refs';

/** Every stack slot precise: what a load through an unknown pointer, or a call, needs. */
export const ALL_SLOTS: u64 = u64.MAX_VALUE;
const ALL_REGS: u16 = 0x3ff;
const CALLER_SAVED: u16 = 0x3f;

export let precRegs: StaticArray<u16> = changetype<StaticArray<u16>>(0);
export let precSlots: StaticArray<u64> = changetype<StaticArray<u64>>(0);

// @ts-ignore: decorator
@inline function rbit(r: i32): u16 {
  return r <= 9 ? <u16>(<i32>1 << r) : 0;
}

// The transfer function's result.
let inRegs: u16 = 0;
let inSlots: u64 = 0;

/** The slots a load or store of `size` bytes through r + off may touch (all when unknown). */
export function touched(i: i32, r: i32, off: i32, size: i32): u64 {
  const v = stackRef(i, r);
  if (v == NOWHERE) return 0;
  if (v == ANYWHERE) return ALL_SLOTS;
  return slotMask(v + off, v + off + size);
}

/** IN from OUT for instruction i. */
function transfer(i: i32, outRegs: u16, outSlots: u64): void {
  const code = unchecked(prog.code[i]);
  const cls = classOf(code);
  const d = <i32>unchecked(prog.dst[i]);
  const s = <i32>unchecked(prog.src[i]);
  const off = <i32>unchecked(prog.off[i]);
  let r = outRegs;
  let m = outSlots;
  if (code == LD_IMM64) {
    r &= ~rbit(d);
  } else if (cls == CLS_LD) {
    r = (r & ~CALLER_SAVED) | rbit(6) | rbit(s);
  } else if (cls == CLS_LDX) {
    const dp = (r & rbit(d)) != 0;
    r &= ~rbit(d);
    if (dp) m |= touched(i, s, off, sizeBytes(code));
  } else if (cls == CLS_ST) {
    const t = touched(i, d, off, 8);
    if (sizeBytes(code) == 8 && exactlyOne(t)) m &= ~t;
  } else if (cls == CLS_STX) {
    const t = touched(i, d, off, sizeBytes(code));
    if (modeOf(code) == MODE_ATOMIC) {
      r |= rbit(s) | rbit(0);
      m |= t;
    } else {
      // A store into a slot that matters makes the value matter; so does one into a caller's
      // stack, which outlives this function. Values stored into maps, packets or the context
      // are never checked by value.
      if ((m & t) != 0 || mayPointToCaller(i, d)) r |= rbit(s);
      if (sizeBytes(code) == 8 && exactlyOne(t)) m &= ~t;
    }
  } else if (cls == CLS_ALU || cls == CLS_ALU64) {
    const op = opOf(code);
    const x = srcOf(code) == SRC_X;
    if (op == ALU_MOV) {
      const dp = (r & rbit(d)) != 0;
      r &= ~rbit(d);
      if (x && dp) r |= rbit(s);
    } else if (x && (op == ALU_ADD || op == ALU_SUB)) {
      // Register adds and subtracts may be pointer arithmetic: both sides matter.
      r |= rbit(d) | rbit(s);
    } else if (x && (r & rbit(d)) != 0) {
      r |= rbit(s);
    }
  } else if (cls == CLS_JMP || cls == CLS_JMP32) {
    const op = opOf(code);
    if (op == JMP_EXIT) {
      // The main program's value matters where its type bounds what it returns; a function's
      // goes back to its caller.
      r = unchecked(cfgRef.subprogOf[i]) != 0 || hasReturnRange() ? rbit(0) : 0;
      m = 0;
    } else if (op == JMP_CALL) {
      r &= ~CALLER_SAVED;
      if (s == CALL_HELPER) {
        const id = unchecked(prog.imm[i]);
        const p = proto(id);
        if (p) {
          for (let n = 1; n <= 5; n++) {
            const k = p.arg(n);
            if (k == A_SIZE || k == A_SIZE_OR_ZERO || k == A_CTX_OR_NULL || k == A_MEM_RO_OR_NULL || k == A_RESERVE_SIZE || k == A_CALLBACK_CTX) {
              r |= rbit(n);
            }
          }
        } else r |= 0x3e;
        // A callback that may use what it reads through a caller's pointer by value may need
        // anything of this frame (its context); one that does not, nothing beyond its arguments.
        if (p && p.callsBack && callbackReadsCaller) m = ALL_SLOTS;
        // A constant key decides whether an array lookup can miss; other maps' keys are data.
        if (id == 1 && mayBeArray(i)) m |= argSlots(i, 2, largestMapOperand());
      } else if (s == CALL_LOCAL) {
        // A function may read and branch on anything its arguments point to.
        r |= 0x3e;
        m |= callSlots(i, unchecked(cfgRef.subprogOf[i + unchecked(prog.imm[i]) + 1]));
      } else {
        r |= 0x3e;
        m = ALL_SLOTS;
      }
    } else if (op != JMP_JA && unchecked(jumpSinks[i])) {
      r |= rbit(d);
      if (srcOf(code) == SRC_X) r |= rbit(s);
    }
  }
  inRegs = r;
  inSlots = m;
}

/** Computes the precise registers and slots before each instruction. */
let cfgRef: Cfg = changetype<Cfg>(0);

/** Whether a mask names exactly one slot (a store that surely replaces it). */
export function exactlyOne(m: u64): bool {
  return m != 0 && m != ALL_SLOTS && (m & (m - 1)) == 0;
}

let jumpSinks: StaticArray<bool> = changetype<StaticArray<bool>>(0);

/**
 * Whether the map passed to the helper call at i may be an array: the map loaded into r1 by the
 * nearest LD_IMM64 before the call in the same straight-line code; anything else may be.
 */
function mayBeArray(i: i32): bool {
  for (let k = i - 1; k >= 0 && i - k < 64; k--) {
    if (unchecked(cfgRef.isImmHi[k])) continue;
    if (k < i - 1 && unchecked(cfgRef.prunePoint[k + 1])) return true;
    const code = unchecked(prog.code[k]);
    const cls = classOf(code);
    if (cls == CLS_JMP || cls == CLS_JMP32) return true;
    if (<i32>unchecked(prog.dst[k]) != 1) continue;
    if (code == LD_IMM64 && unchecked(prog.src[k]) == PSEUDO_MAP_FD) {
      const idx = unchecked(prog.imm[k]);
      if (idx < 0 || idx >= prog.maps.length) return true;
      const t = prog.maps[idx].type;
      return t == MAP_ARRAY || t == MAP_PERCPU_ARRAY;
    }
    // Something else writes r1 (or a store through it): be careful.
    return true;
  }
  return true;
}

/**
 * Needs computeStackRefs first. `sinks`: the conditional jumps whose operands count as uses
 * (those some walk decided from their values; verify.ts).
 */
export function computePrecision(cfg: Cfg, sinks: StaticArray<bool>): void {
  cfgRef = cfg;
  jumpSinks = sinks;
  callbackReadsCaller = false;
  solve(cfg);
  if (readsCallerByValue(cfg)) {
    callbackReadsCaller = true;
    solve(cfg);
  }
}

/** Whether callbacks' calls make the caller's whole frame precise (see transfer). */
let callbackReadsCaller: bool = false;

/**
 * Whether some function may use by value something it reads from a caller's stack: a load
 * through a pointer that may point there whose result is precise, an atomic through one, or a
 * map key there (a constant key decides whether an array lookup can miss).
 */
function readsCallerByValue(cfg: Cfg): bool {
  const n = prog.count;
  const start = cfg.subprogStart.length > 1 ? cfg.subprogStart[1] : n;
  for (let i = start; i < n; i++) {
    if (unchecked(cfg.isImmHi[i])) continue;
    const code = unchecked(prog.code[i]);
    const cls = classOf(code);
    const d = <i32>unchecked(prog.dst[i]);
    const s = <i32>unchecked(prog.src[i]);
    if (cls == CLS_LDX && mayPointToCaller(i, s) && i + 1 < n && (unchecked(precRegs[i + 1]) & rbit(d)) != 0) return true;
    if (cls == CLS_STX && modeOf(code) == MODE_ATOMIC && mayPointToCaller(i, d)) return true;
    if ((cls == CLS_JMP) && opOf(code) == JMP_CALL && s == CALL_HELPER) {
      const p = proto(unchecked(prog.imm[i]));
      if (!p) return true;
      for (let k = 1; k <= 5; k++) if (p.arg(k) == A_KEY && mayPointToCaller(i, k)) return true;
    }
  }
  return false;
}

function solve(cfg: Cfg): void {
  const n = prog.count;
  precRegs = new StaticArray<u16>(n);
  precSlots = new StaticArray<u64>(n);
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      if (unchecked(cfg.isImmHi[i])) continue;
      const code = unchecked(prog.code[i]);
      const cls = classOf(code);
      const isJmp = cls == CLS_JMP || cls == CLS_JMP32;
      const op = opOf(code);
      let outR: u16 = 0;
      let outS: u64 = 0;
      if (!(isJmp && op == JMP_EXIT)) {
        const next = code == LD_IMM64 ? i + 2 : i + 1;
        if (!(isJmp && op == JMP_JA) && next < n) {
          outR |= unchecked(precRegs[next]);
          outS |= unchecked(precSlots[next]);
        }
        const t = jumpTarget(i);
        if (t != NO_JUMP && t >= 0 && t < n) {
          outR |= unchecked(precRegs[t]);
          outS |= unchecked(precSlots[t]);
        }
      }
      transfer(i, outR, outS);
      const r = <u16>(inRegs & ALL_REGS);
      if (r != unchecked(precRegs[i]) || inSlots != unchecked(precSlots[i])) {
        unchecked((precRegs[i] = r));
        unchecked((precSlots[i] = inSlots));
        changed = true;
      }
    }
  }
}
