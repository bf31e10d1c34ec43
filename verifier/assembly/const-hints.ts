// A first guess at which branches a walk will decide from a value: those comparing a register
// that may hold a constant (set from an immediate, or filled from the stack where constants
// are spilled). Seeding the precision uses with them often spares verify.ts a second walk; a
// wrong guess costs only pruning, never soundness.

import { Cfg, jumpTarget, NO_JUMP } from './cfg';
import {
  ALU_MOV, CLS_ALU, CLS_ALU64, CLS_JMP, CLS_JMP32, CLS_LD, CLS_LDX, JMP_CALL, JMP_EXIT, JMP_JA, LD_IMM64, SRC_X,
  classOf, opOf, srcOf, isCondJmp,
} from './opcode';
import { prog } from './program';

function bit(r: i32): u16 {
  return r <= 10 ? <u16>(<i32>1 << r) : 0;
}

function after(i: i32, m: u16): u16 {
  const code = unchecked(prog.code[i]);
  const cls = classOf(code);
  const d = <i32>unchecked(prog.dst[i]);
  const s = <i32>unchecked(prog.src[i]);
  if (code == LD_IMM64) return m | bit(d);
  if (cls == CLS_LD) return m & ~0x3f;
  if (cls == CLS_LDX) return s == 10 ? m | bit(d) : m & ~bit(d);
  if (cls == CLS_ALU || cls == CLS_ALU64) {
    const x = srcOf(code) == SRC_X;
    if (opOf(code) == ALU_MOV) return x ? (m & bit(s) ? m | bit(d) : m & ~bit(d)) : m | bit(d);
    if (x && !(m & bit(s))) return m & ~bit(d);
    return m;
  }
  if ((cls == CLS_JMP || cls == CLS_JMP32) && opOf(code) == JMP_CALL) return m & ~0x3f;
  return m;
}

/** Marks in `sinks` the conditional jumps whose operands may be constants. */
export function seedSinks(cfg: Cfg, sinks: StaticArray<bool>): void {
  const n = prog.count;
  const before = new StaticArray<u16>(n);
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
      const out = after(i, unchecked(before[i]));
      const next = code == LD_IMM64 ? i + 2 : i + 1;
      if (!(isJmp && op == JMP_JA) && next < n && (out | unchecked(before[next])) != unchecked(before[next])) {
        unchecked((before[next] = out | before[next]));
        changed = true;
      }
      const t = jumpTarget(i);
      if (t != NO_JUMP && t >= 0 && t < n && (out | unchecked(before[t])) != unchecked(before[t])) {
        unchecked((before[t] = out | before[t]));
        changed = true;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    if (unchecked(cfg.isImmHi[i]) || !isCondJmp(unchecked(prog.code[i]))) continue;
    const m = unchecked(before[i]);
    const d = <i32>unchecked(prog.dst[i]);
    const x = srcOf(unchecked(prog.code[i])) == SRC_X;
    if ((m & bit(d)) != 0 || (x && (m & bit(<i32>unchecked(prog.src[i]))) != 0)) unchecked((sinks[i] = true));
  }
}
