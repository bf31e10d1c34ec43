// Which registers each instruction's future may read before writing them: a backward dataflow
// over every function's control flow, computed once. Pruning ignores dead registers, since
// their value cannot matter; over-approximating the reads keeps that sound.

import { Cfg, jumpTarget, NO_JUMP } from './cfg';
import {
  ALU_END, ALU_MOV, ALU_NEG, ATOMIC_CMPXCHG, ATOMIC_FETCH, CALL_HELPER, CALL_LOCAL, CLS_ALU, CLS_ALU64, CLS_JMP, CLS_JMP32, CLS_LD,
  CLS_LDX, CLS_ST, CLS_STX, JMP_CALL, JMP_EXIT, JMP_JA, LD_IMM64, MODE_ATOMIC, MODE_IND, SRC_X, classOf, modeOf, opOf, sizeBytes, srcOf,
} from './opcode';
import { prog } from './program';
import { A_KEY, A_MEM_RO, A_MEM_RO_OR_NULL, A_MEM_RW, A_VALUE } from './helper-protos';
import { proto } from './helpers';
import { ALL_SLOTS, exactlyOne, touched } from './precision';
import { argSlots, callSlots, largestMapOperand } from './stack-refs';

const ARGS: u16 = 0b111110; // r1-r5
const CALLER_SAVED: u16 = 0b111111; // r0-r5

function bit(r: i32): u16 {
  if (r > 10) return 0;
  return <u16>(<i32>1 << r);
}

/** Registers instruction i reads. */
function uses(i: i32): u16 {
  const code = unchecked(prog.code[i]);
  const cls = classOf(code);
  const d = <i32>unchecked(prog.dst[i]);
  const s = <i32>unchecked(prog.src[i]);
  if (code == LD_IMM64) return 0;
  if (cls == CLS_LD) return bit(6) | (modeOf(code) == MODE_IND ? bit(s) : 0);
  if (cls == CLS_LDX) return bit(s);
  if (cls == CLS_ST) return bit(d);
  if (cls == CLS_STX) {
    let u = bit(d) | bit(s);
    if (modeOf(code) == MODE_ATOMIC && unchecked(prog.imm[i]) == ATOMIC_CMPXCHG) u |= bit(0);
    return u;
  }
  if (cls == CLS_ALU || cls == CLS_ALU64) {
    const op = opOf(code);
    const x = srcOf(code) == SRC_X;
    if (op == ALU_MOV) return x ? bit(s) : 0;
    if (op == ALU_NEG || op == ALU_END) return bit(d);
    return bit(d) | (x ? bit(s) : 0);
  }
  if (cls == CLS_JMP || cls == CLS_JMP32) {
    const op = opOf(code);
    if (op == JMP_EXIT) return bit(0);
    if (op == JMP_CALL) return ARGS;
    if (op == JMP_JA) return 0;
    return bit(d) | (srcOf(code) == SRC_X ? bit(s) : 0);
  }
  return 0;
}

/** Registers instruction i writes whatever their old value. */
function defs(i: i32): u16 {
  const code = unchecked(prog.code[i]);
  const cls = classOf(code);
  const d = <i32>unchecked(prog.dst[i]);
  const s = <i32>unchecked(prog.src[i]);
  if (code == LD_IMM64) return bit(d);
  if (cls == CLS_LD) return CALLER_SAVED;
  if (cls == CLS_LDX) return bit(d);
  if (cls == CLS_STX && modeOf(code) == MODE_ATOMIC) {
    const imm = unchecked(prog.imm[i]);
    if (imm == ATOMIC_CMPXCHG) return bit(0);
    if (imm & ATOMIC_FETCH) return bit(s);
    return 0;
  }
  if (cls == CLS_ALU || cls == CLS_ALU64) return bit(d);
  if ((cls == CLS_JMP || cls == CLS_JMP32) && opOf(code) == JMP_CALL) return CALLER_SAVED;
  return 0;
}

/** liveIn[i]: registers read on some path from i before being written. */
export function computeLiveness(cfg: Cfg): StaticArray<u16> {
  const n = prog.count;
  const live = new StaticArray<u16>(n);
  const use = new StaticArray<u16>(n);
  const def = new StaticArray<u16>(n);
  for (let i = 0; i < n; i++) {
    if (unchecked(cfg.isImmHi[i])) continue;
    unchecked((use[i] = uses(i)));
    unchecked((def[i] = defs(i)));
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      if (unchecked(cfg.isImmHi[i])) continue;
      const code = unchecked(prog.code[i]);
      const cls = classOf(code);
      let out: u16 = 0;
      const isJmp = cls == CLS_JMP || cls == CLS_JMP32;
      const op = opOf(code);
      if (isJmp && op == JMP_EXIT) {
        out = 0;
      } else {
        const next = code == LD_IMM64 ? i + 2 : i + 1;
        const uncond = isJmp && op == JMP_JA;
        if (!uncond && next < n) out |= unchecked(live[next]);
        const t = jumpTarget(i);
        if (t != NO_JUMP && t >= 0 && t < n) out |= unchecked(live[t]);
      }
      const v = <u16>(unchecked(use[i]) | (out & ~unchecked(def[i])));
      if (v != unchecked(live[i])) {
        unchecked((live[i] = v));
        changed = true;
      }
    }
  }
  return live;
}

/**
 * Which stack slots of the running frame may be read before being replaced, before each
 * instruction: loads, atomics and helpers reading memory through pointers into the frame
 * (stack-refs.ts says where they point); a called function may read any. Dead slots do not
 * matter to pruning, whatever they hold.
 */
export function computeSlotLiveness(cfg: Cfg): StaticArray<u64> {
  const n = prog.count;
  const live = new StaticArray<u64>(n);
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = n - 1; i >= 0; i--) {
      if (unchecked(cfg.isImmHi[i])) continue;
      const code = unchecked(prog.code[i]);
      const cls = classOf(code);
      const isJmp = cls == CLS_JMP || cls == CLS_JMP32;
      const op = opOf(code);
      let m: u64 = 0;
      if (!(isJmp && op == JMP_EXIT)) {
        const next = code == LD_IMM64 ? i + 2 : i + 1;
        if (!(isJmp && op == JMP_JA) && next < n) m |= unchecked(live[next]);
        const t = jumpTarget(i);
        if (t != NO_JUMP && t >= 0 && t < n) m |= unchecked(live[t]);
      }
      const d = <i32>unchecked(prog.dst[i]);
      const s = <i32>unchecked(prog.src[i]);
      const off = <i32>unchecked(prog.off[i]);
      if (cls == CLS_LDX) {
        if (s <= 10) m |= touched(i, s, off, sizeBytes(code));
      } else if ((cls == CLS_ST || cls == CLS_STX) && d <= 10) {
        const t = touched(i, d, off, sizeBytes(code));
        if (cls == CLS_STX && modeOf(code) == MODE_ATOMIC) m |= t;
        else if (sizeBytes(code) == 8 && exactlyOne(t)) m &= ~t;
      } else if (isJmp && op == JMP_CALL) {
        if (s == CALL_HELPER) {
          const p = proto(unchecked(prog.imm[i]));
          // A callback may read any of this frame through its context pointer, run after run.
          if (!p || p.callsBack) m = ALL_SLOTS;
          else {
            for (let k = 1; k <= 5; k++) {
              const a = p.arg(k);
              if (a == A_KEY || a == A_VALUE) m |= argSlots(i, k, largestMapOperand());
              else if (a == A_MEM_RO || a == A_MEM_RO_OR_NULL || a == A_MEM_RW) m |= argSlots(i, k, -1);
            }
          }
        } else if (s == CALL_LOCAL) {
          m |= callSlots(i, unchecked(cfg.subprogOf[i + unchecked(prog.imm[i]) + 1]));
        } else {
          m = ALL_SLOTS;
        }
      }
      if (m != unchecked(live[i])) {
        unchecked((live[i] = m));
        changed = true;
      }
    }
  }
  return live;
}
