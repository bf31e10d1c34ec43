// Which scalar values can still matter: a backward dataflow, computed once, marking a register or
// an r10-relative stack slot "precise" when its value may reach something the verifier checks by
// value — a branch condition, pointer arithmetic, a memory access through it, a helper's size or
// null argument, a map key, a return value. Pruning compares only precise scalars by value:
// any two scalars are alike where nothing will ever look at them (the kernel gets the same effect
// by tracking precision along paths; this is a static over-approximation of it, hence sound).

import { Cfg, jumpTarget, NO_JUMP } from './cfg';
import { A_CTX_OR_NULL, A_MEM_RO_OR_NULL, A_SIZE, A_SIZE_OR_ZERO, proto } from './helpers';
import {
  ALU_ADD, ALU_MOV, ALU_SUB, CALL_HELPER, CLS_ALU, CLS_ALU64, CLS_JMP, CLS_JMP32, CLS_LD, CLS_LDX, CLS_ST, CLS_STX,
  JMP_CALL, JMP_EXIT, JMP_JA, LD_IMM64, MODE_ATOMIC, SRC_X, classOf, modeOf, opOf, sizeBytes, srcOf,
} from './opcode';
import { prog } from './program';
import { hasReturnRange } from './returns';

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

/** The 8-byte slot of an r10-relative offset, or -1. */
function slotOf(off: i32): i32 {
  if (off < -512 || off >= 0) return -1;
  return (512 + off) >> 3;
}

// @ts-ignore: decorator
@inline function sbit(slot: i32): u64 {
  return slot < 0 ? 0 : <u64>1 << <u64>slot;
}

// The transfer function's result.
let inRegs: u16 = 0;
let inSlots: u64 = 0;

/** Registers that may hold a stack pointer before each instruction (forward, computed first). */
let mayStack: StaticArray<u16> = changetype<StaticArray<u16>>(0);

/** Which registers may point into a stack after instruction i, given those before it. */
function stackAfter(i: i32, before: u16): u16 {
  const code = unchecked(prog.code[i]);
  const cls = classOf(code);
  const d = <i32>unchecked(prog.dst[i]);
  const s = <i32>unchecked(prog.src[i]);
  let r = before | <u16>(1 << 10);
  if (code == LD_IMM64) return r & ~rbit(d);
  if (cls == CLS_LD) return r & ~CALLER_SAVED;
  if (cls == CLS_LDX) {
    // A stack pointer comes back only from the stack (a fill).
    const fromStack = s == 10 || (before & rbit(s)) != 0;
    return fromStack ? r | rbit(d) : r & ~rbit(d);
  }
  if (cls == CLS_STX && modeOf(code) == MODE_ATOMIC) return r;
  if (cls == CLS_ALU || cls == CLS_ALU64) {
    const op = opOf(code);
    const x = srcOf(code) == SRC_X;
    const srcStack = x && (s == 10 || (before & rbit(s)) != 0);
    if (op == ALU_MOV) return srcStack && cls == CLS_ALU64 ? r | rbit(d) : r & ~rbit(d);
    if ((op == ALU_ADD || op == ALU_SUB) && cls == CLS_ALU64) return srcStack ? r | rbit(d) : r;
    return r & ~rbit(d);
  }
  if ((cls == CLS_JMP || cls == CLS_JMP32) && opOf(code) == JMP_CALL) {
    // A function may hand back a pointer into its caller's stack.
    return (r & ~CALLER_SAVED) | (s == CALL_HELPER ? 0 : rbit(0));
  }
  return r;
}

function computeMayStack(cfg: Cfg): void {
  const n = prog.count;
  mayStack = new StaticArray<u16>(n);
  // Function entries: arguments may be the caller's stack pointers.
  for (let k = 1; k < cfg.subprogStart.length; k++) unchecked((mayStack[cfg.subprogStart[k]] = 0x3e));
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = 0; i < n; i++) {
      if (unchecked(cfg.isImmHi[i])) continue;
      const code = unchecked(prog.code[i]);
      const cls = classOf(code);
      const isJmp = cls == CLS_JMP || cls == CLS_JMP32;
      const op = opOf(code);
      if (isJmp && op == JMP_EXIT) continue;
      const after = stackAfter(i, unchecked(mayStack[i]));
      const next = code == LD_IMM64 ? i + 2 : i + 1;
      if (!(isJmp && op == JMP_JA) && next < n && unchecked(cfg.subprogOf[next]) == unchecked(cfg.subprogOf[i])) {
        const v = unchecked(mayStack[next]) | after;
        if (v != unchecked(mayStack[next])) {
          unchecked((mayStack[next] = v));
          changed = true;
        }
      }
      const t = jumpTarget(i);
      if (t != NO_JUMP && t >= 0 && t < n) {
        const v = unchecked(mayStack[t]) | after;
        if (v != unchecked(mayStack[t])) {
          unchecked((mayStack[t] = v));
          changed = true;
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function maybeStack(i: i32, r: i32): bool {
  return r == 10 || (unchecked(mayStack[i]) & rbit(r)) != 0;
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
    if (dp) {
      if (s == 10) m |= sbit(slotOf(off));
      else if (maybeStack(i, s)) m = ALL_SLOTS;
    }
  } else if (cls == CLS_ST) {
    if (d == 10 && sizeBytes(code) == 8) m &= ~sbit(slotOf(off));
  } else if (cls == CLS_STX) {
    if (modeOf(code) == MODE_ATOMIC) {
      r |= rbit(s) | rbit(0);
      if (d == 10) m |= sbit(slotOf(off));
      else if (maybeStack(i, d)) m = ALL_SLOTS;
    } else if (d == 10) {
      const slot = slotOf(off);
      if ((m & sbit(slot)) != 0) r |= rbit(s);
      if (sizeBytes(code) == 8) m &= ~sbit(slot);
    } else if (maybeStack(i, d)) {
      // Through another stack pointer the store may land in a slot that matters. Values stored
      // into maps, packets or the context are never checked by value.
      r |= rbit(s);
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
            if (k == A_SIZE || k == A_SIZE_OR_ZERO || k == A_CTX_OR_NULL || k == A_MEM_RO_OR_NULL) r |= rbit(n);
          }
        } else r |= 0x3e;
        // A constant key decides whether an array lookup can miss.
        if (id == 1) m = ALL_SLOTS;
      } else {
        // A function may read and branch on anything its arguments point to.
        r |= 0x3e;
        m = ALL_SLOTS;
      }
    } else if (op != JMP_JA) {
      r |= rbit(d);
      if (srcOf(code) == SRC_X) r |= rbit(s);
    }
  }
  inRegs = r;
  inSlots = m;
}

/** Computes the precise registers and slots before each instruction. */
let cfgRef: Cfg = changetype<Cfg>(0);

export function computePrecision(cfg: Cfg): void {
  cfgRef = cfg;
  computeMayStack(cfg);
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
