// Which registers may point into a caller's stack (a frame below the running one), before each
// instruction: a forward dataflow over each function, computed once. A value stored through
// such a pointer outlives the function in its caller's frame, where nothing in the function's
// own analysis sees it used, so precision.ts counts it as used (the kernel, likewise, marks a
// scalar spilled through any pointer but r10 precise at once).

import { Cfg, jumpTarget, NO_JUMP } from './cfg';
import {
  ALU_ADD, ALU_MOV, ALU_SUB, ATOMIC_CMPXCHG, ATOMIC_FETCH, CALL_LOCAL, CLS_ALU64, CLS_JMP, CLS_JMP32, CLS_LD, CLS_LDX,
  CLS_ST, CLS_STX, JMP_CALL, JMP_EXIT, JMP_JA, LD_IMM64, MODE_ATOMIC, MODE_MEM, SRC_X, SZ_DW, classOf, modeOf, opOf,
  srcOf,
} from './opcode';
import { prog } from './program';
import { mayReturnCallerPointer } from './arg-pointers';
import { ANYWHERE, NOWHERE, stackRef } from './stack-refs';

/** Per instruction: r0-r9 that may point into a caller's stack (bit r). */
let callerRegs: StaticArray<u16> = changetype<StaticArray<u16>>(0);
/** Per instruction: the running frame's 8-byte slots that may hold such a pointer. */
let callerSlots: StaticArray<u64> = changetype<StaticArray<u64>>(0);

const ARGS: u16 = 0x3e;
const ALL_SLOTS: u64 = u64.MAX_VALUE;

export function mayPointToCaller(i: i32, r: i32): bool {
  return r <= 9 && (<i32>unchecked(callerRegs[i]) & (1 << r)) != 0;
}

// @ts-ignore: decorator
@inline function bit(r: i32): u16 {
  return r <= 9 ? <u16>(<i32>1 << r) : 0;
}

// The state being stepped across one instruction.
let regs: u16 = 0;
let slots: u64 = 0;

/** Whether register r may be a stack pointer of any frame before i (a pointer may be stored through it). */
function mayBeStack(i: i32, r: i32): bool {
  return stackRef(i, r) != NOWHERE || (regs & bit(r)) != 0;
}

function slotOf(i: i32, r: i32, off: i32): i32 {
  const v = stackRef(i, r);
  if (v == NOWHERE || v == ANYWHERE) return -1;
  const at = v + off;
  return at >= -512 && at <= -8 && (at & 7) == 0 ? (512 + at) >> 3 : -1;
}

function step(i: i32): void {
  const code = unchecked(prog.code[i]);
  const cls = classOf(code);
  const d = <i32>unchecked(prog.dst[i]);
  const s = <i32>unchecked(prog.src[i]);
  const off = <i32>unchecked(prog.off[i]);
  if (d > 10 || s > 10) {
    // Malformed; the walk refuses it. Assume the worst meanwhile.
    regs = 0x3ff;
    slots = ALL_SLOTS;
    return;
  }
  if (code == LD_IMM64) {
    regs &= ~bit(d);
  } else if (cls == CLS_LD) {
    regs &= ~<u16>0x3f;
  } else if (cls == CLS_LDX) {
    // Only a whole double word read from a stack brings a pointer back.
    let p = false;
    if (modeOf(code) == MODE_MEM && (code & 0x18) == SZ_DW) {
      const k = slotOf(i, s, off);
      if ((regs & bit(s)) != 0) p = true;
      else if (k >= 0) p = (slots & (<u64>1 << <u64>k)) != 0;
      else if (stackRef(i, s) != NOWHERE) p = slots != 0;
    }
    regs = p ? regs | bit(d) : regs & ~bit(d);
  } else if (cls == CLS_STX && modeOf(code) == MODE_ATOMIC) {
    // An exchange may bring back what a stack held.
    const imm = unchecked(prog.imm[i]);
    const back = mayBeStack(i, d) && ((regs & bit(s)) != 0 || slots != 0 || (regs & bit(d)) != 0);
    if (imm == ATOMIC_CMPXCHG) regs = back ? regs | 1 : regs & ~<u16>1;
    else if ((imm & ATOMIC_FETCH) != 0) regs = back ? regs | bit(s) : regs & ~bit(s);
  } else if (cls == CLS_STX || cls == CLS_ST) {
    const k = slotOf(i, d, off);
    const p = cls == CLS_STX && (regs & bit(s)) != 0;
    if (k >= 0 && (code & 0x18) == SZ_DW) {
      const b = <u64>1 << <u64>k;
      slots = p ? slots | b : slots & ~b;
    } else if (p && stackRef(i, d) != NOWHERE) {
      if (k >= 0) slots |= <u64>1 << <u64>k;
      else slots = ALL_SLOTS;
    }
  } else if (cls == CLS_ALU64 && (opOf(code) == ALU_MOV || opOf(code) == ALU_ADD || opOf(code) == ALU_SUB)) {
    const op = opOf(code);
    const x = srcOf(code) == SRC_X;
    // Only a 64-bit move or a pointer moved by a number keeps a pointer.
    let p = false;
    if (op == ALU_MOV) p = x && (regs & bit(s)) != 0;
    else p = (regs & bit(d)) != 0 || (x && (regs & bit(s)) != 0);
    regs = p ? regs | bit(d) : regs & ~bit(d);
  } else if (cls != CLS_JMP && cls != CLS_JMP32) {
    regs &= ~bit(d);
  } else if (opOf(code) == JMP_CALL) {
    let argCaller = false;
    let argStack = false;
    for (let r = 1; r <= 5; r++) {
      if ((regs & bit(r)) != 0) argCaller = true;
      if (stackRef(i, r) != NOWHERE) argStack = true;
    }
    let r0 = false;
    if (unchecked(prog.src[i]) == CALL_LOCAL) {
      // A function may hand back, or store into this frame, a pointer it can reach: one it was
      // given, or one this frame holds.
      const callee = unchecked(cfgRef.subprogOf[i + unchecked(prog.imm[i]) + 1]);
      const reach = argCaller || (argStack && slots != 0);
      r0 = reach && mayReturnCallerPointer(callee);
      if (reach && argStack) slots = ALL_SLOTS;
    }
    regs &= ~<u16>0x3f;
    if (r0) regs |= 1;
  }
}

let cfgRef: Cfg = changetype<Cfg>(0);

/** Needs computeStackRefs (and so computeArgPointers) first. */
export function computeCallerPointers(cfg: Cfg): void {
  cfgRef = cfg;
  const n = prog.count;
  callerRegs = new StaticArray<u16>(n);
  callerSlots = new StaticArray<u64>(n);
  const seen = new StaticArray<bool>(n);
  // A function's arguments may point into its caller's stack; the main program has no caller.
  for (let k = 0; k < cfg.subprogStart.length; k++) {
    const e = cfg.subprogStart[k];
    unchecked((callerRegs[e] = k == 0 ? 0 : ARGS));
    unchecked((seen[e] = true));
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = 0; i < n; i++) {
      if (unchecked(cfg.isImmHi[i]) || !unchecked(seen[i])) continue;
      regs = unchecked(callerRegs[i]);
      slots = unchecked(callerSlots[i]);
      step(i);
      const code = unchecked(prog.code[i]);
      const cls = classOf(code);
      const isJmp = cls == CLS_JMP || cls == CLS_JMP32;
      const op = opOf(code);
      if (isJmp && op == JMP_EXIT) continue;
      const next = code == LD_IMM64 ? i + 2 : i + 1;
      if (!(isJmp && op == JMP_JA) && next < n && unchecked(cfg.subprogOf[next]) == unchecked(cfg.subprogOf[i])) {
        if (flow(next, seen)) changed = true;
      }
      const t = jumpTarget(i);
      if (t != NO_JUMP && t >= 0 && t < n && flow(t, seen)) changed = true;
    }
  }
}

function flow(t: i32, seen: StaticArray<bool>): bool {
  const r = unchecked(callerRegs[t]);
  const m = unchecked(callerSlots[t]);
  if (unchecked(seen[t]) && (r | regs) == r && (m | slots) == m) return false;
  unchecked((seen[t] = true));
  unchecked((callerRegs[t] = r | regs));
  unchecked((callerSlots[t] = m | slots));
  return true;
}
