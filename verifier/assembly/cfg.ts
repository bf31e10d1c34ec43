// The program's shape before any state is tracked: instruction encodings that cannot be,
// subprograms (BPF-to-BPF call targets), jumps that leave the program or their function, code
// that is never reached, and the points where explored states are kept for pruning.

import { checkEncoding } from './encoding';
import { fail, MALFORMED, TOO_COMPLEX } from './errors';
import {
  CALL_LOCAL, CLS_JMP, CLS_JMP32, JMP_CALL, JMP_EXIT, JMP_JA, LD_IMM64, PSEUDO_FUNC, classOf, opOf,
} from './opcode';
import { prog } from './program';

export const MAX_INSNS: i32 = 1000000;
export const MAX_SUBPROGS: i32 = 256;

export class Cfg {
  /** First instruction of each subprogram, ascending; [0] is 0. */
  subprogStart: Array<i32> = new Array<i32>();
  /** Subprogram of each instruction. */
  subprogOf: StaticArray<i32>;
  /** Where explored states are kept: jump targets, fall-throughs of branches, subprogram entries. */
  prunePoint: StaticArray<bool>;
  /** Targets of back-edges: loop heads, where an unchanged state means an infinite loop. */
  loopHead: StaticArray<bool>;
  /** Second slots of LD_IMM64, which are not instructions. */
  isImmHi: StaticArray<bool>;

  constructor(n: i32) {
    this.subprogOf = new StaticArray<i32>(n);
    this.prunePoint = new StaticArray<bool>(n);
    this.loopHead = new StaticArray<bool>(n);
    this.isImmHi = new StaticArray<bool>(n);
  }

  subprogEnd(sp: i32): i32 {
    return sp + 1 < this.subprogStart.length ? this.subprogStart[sp + 1] : prog.count;
  }
}

/** Returned by jumpTarget for instructions that are not jumps. */
export const NO_JUMP: i32 = i32.MIN_VALUE;

/** The target of the jump at i, or NO_JUMP for anything else (calls, exit, non-jumps). */
export function jumpTarget(i: i32): i32 {
  const code = unchecked(prog.code[i]);
  const cls = classOf(code);
  if (cls != CLS_JMP && cls != CLS_JMP32) return NO_JUMP;
  const op = opOf(code);
  if (op == JMP_CALL || op == JMP_EXIT) return NO_JUMP;
  if (cls == CLS_JMP32 && op == JMP_JA) return i + unchecked(prog.imm[i]) + 1;
  return i + <i32>unchecked(prog.off[i]) + 1;
}

function isLocalCall(i: i32): bool {
  return unchecked(prog.code[i]) == (CLS_JMP | JMP_CALL) && unchecked(prog.src[i]) == CALL_LOCAL;
}

function isFuncRef(i: i32): bool {
  return unchecked(prog.code[i]) == LD_IMM64 && unchecked(prog.src[i]) == PSEUDO_FUNC;
}

function insertSorted(a: Array<i32>, v: i32): void {
  for (let k = 0; k < a.length; k++) if (a[k] == v) return;
  a.push(v);
  for (let k = a.length - 1; k > 0 && a[k - 1] > a[k]; k--) {
    const t = a[k - 1];
    a[k - 1] = a[k];
    a[k] = t;
  }
}

/** Builds the CFG facts; returns null after reporting the first structural error. */
export function buildCfg(): Cfg | null {
  const n = prog.count;
  if (n == 0) {
    fail(0, 'the program has no instructions', MALFORMED);
    return null;
  }
  if (n > MAX_INSNS) {
    fail(0, 'BPF program is too large: ' + n.toString() + ' instructions, the limit is ' + MAX_INSNS.toString(), TOO_COMPLEX);
    return null;
  }
  const cfg = new Cfg(n);
  cfg.subprogStart.push(0);

  // Pass 1: LD_IMM64 pairs, encodings, and subprogram starts.
  for (let i = 0; i < n; i++) {
    const code = unchecked(prog.code[i]);
    if (!checkEncoding(i)) return null;
    if (code == LD_IMM64) {
      if (i + 1 >= n) {
        fail(i, 'invalid bpf_ld_imm64 insn', MALFORMED);
        return null;
      }
      const hi = i + 1;
      if (unchecked(prog.code[hi]) != 0 || unchecked(prog.dst[hi]) != 0 || unchecked(prog.src[hi]) != 0 || unchecked(prog.off[hi]) != 0) {
        fail(i, 'invalid bpf_ld_imm64 insn', MALFORMED);
        return null;
      }
      unchecked((cfg.isImmHi[hi] = true));
      if (isFuncRef(i)) {
        const t = i + unchecked(prog.imm[i]) + 1;
        if (t < 0 || t >= n) {
          fail(i, 'function reference out of range from insn ' + i.toString() + ' to ' + t.toString(), MALFORMED);
          return null;
        }
        insertSorted(cfg.subprogStart, t);
      }
      i++;
      continue;
    }
    if (isLocalCall(i)) {
      const t = i + unchecked(prog.imm[i]) + 1;
      if (t < 0 || t >= n) {
        fail(i, 'call to invalid destination', MALFORMED);
        return null;
      }
      insertSorted(cfg.subprogStart, t);
    }
  }
  if (cfg.subprogStart.length > MAX_SUBPROGS) {
    fail(0, 'too many subprograms', MALFORMED);
    return null;
  }
  for (let sp = 0; sp < cfg.subprogStart.length; sp++) {
    const s = cfg.subprogStart[sp];
    if (unchecked(cfg.isImmHi[s])) {
      fail(s, 'call into the middle of ldimm64 insn ' + (s - 1).toString(), MALFORMED);
      return null;
    }
    const e = cfg.subprogEnd(sp);
    for (let i = s; i < e; i++) unchecked((cfg.subprogOf[i] = sp));
    unchecked((cfg.prunePoint[s] = true));
    // The last instruction must leave: an exit or an unconditional jump.
    let last = e - 1;
    if (unchecked(cfg.isImmHi[last])) last--;
    const lc = unchecked(prog.code[last]);
    const lcls = classOf(lc);
    const leaves = (lcls == CLS_JMP || lcls == CLS_JMP32) && (opOf(lc) == JMP_EXIT || opOf(lc) == JMP_JA) &&
      !(lcls == CLS_JMP32 && opOf(lc) == JMP_EXIT);
    if (!leaves) {
      fail(last, 'last insn is not an exit or jmp', MALFORMED);
      return null;
    }
  }

  // Pass 2: jump targets stay inside their function and off LD_IMM64 second slots.
  for (let i = 0; i < n; i++) {
    if (unchecked(cfg.isImmHi[i])) continue;
    const t = jumpTarget(i);
    if (t == NO_JUMP) {
      if (isLocalCall(i) && i + 1 < n) unchecked((cfg.prunePoint[i + 1] = true));
      continue;
    }
    const sp = unchecked(cfg.subprogOf[i]);
    if (t < cfg.subprogStart[sp] || t >= cfg.subprogEnd(sp)) {
      fail(i, 'jump out of range from insn ' + i.toString() + ' to ' + t.toString(), MALFORMED);
      return null;
    }
    if (unchecked(cfg.isImmHi[t])) {
      fail(i, 'jump into the middle of ldimm64 insn ' + (t - 1).toString(), MALFORMED);
      return null;
    }
    unchecked((cfg.prunePoint[t] = true));
    if (opOf(unchecked(prog.code[i])) != JMP_JA && i + 1 < n) unchecked((cfg.prunePoint[i + 1] = true));
  }

  // Pass 3: depth-first walk for reachability and back-edges (allowed: loops are bounded by
  // the verifier walking them, as the kernel does for privileged loaders).
  const color = new StaticArray<u8>(n); // 0 new, 1 on the stack, 2 done
  const stack = new Array<i32>();
  const edgeIdx = new StaticArray<u8>(n);
  stack.push(0);
  color[0] = 1;
  while (stack.length) {
    const i = stack[stack.length - 1];
    const k = unchecked(edgeIdx[i]);
    const next = successor(cfg, i, k);
    if (next == -2) {
      unchecked((color[i] = 2));
      stack.pop();
      continue;
    }
    unchecked((edgeIdx[i] = <u8>(k + 1)));
    if (next < 0) continue;
    const c = unchecked(color[next]);
    if (c == 0) {
      unchecked((color[next] = 1));
      stack.push(next);
    } else if (c == 1) {
      if (k == 1 && isLocalCall(i)) {
        fail(i, 'recursive call from insn ' + i.toString() + ' to ' + next.toString());
        return null;
      }
      unchecked((cfg.loopHead[next] = true));
      unchecked((cfg.prunePoint[next] = true));
    }
  }
  for (let i = 0; i < n; i++) {
    if (unchecked(cfg.isImmHi[i])) continue;
    if (unchecked(color[i]) == 0) {
      fail(i, 'unreachable insn ' + i.toString(), MALFORMED);
      return null;
    }
  }
  return cfg;
}

/**
 * The k-th successor of instruction i in the walk: -1 for "none here, ask for k+1", -2 when
 * there are no more. Calls lead into their callee and on to the next instruction.
 */
function successor(cfg: Cfg, i: i32, k: i32): i32 {
  const code = unchecked(prog.code[i]);
  const cls = classOf(code);
  const n = prog.count;
  if (code == LD_IMM64) {
    if (k == 0) return i + 2 < n ? i + 2 : -1;
    if (k == 1 && isFuncRef(i)) return i + unchecked(prog.imm[i]) + 1;
    return -2;
  }
  if (cls == CLS_JMP || cls == CLS_JMP32) {
    const op = opOf(code);
    if (op == JMP_EXIT) return -2;
    if (op == JMP_CALL) {
      if (k == 0) return i + 1 < n ? i + 1 : -1;
      if (k == 1 && isLocalCall(i)) return i + unchecked(prog.imm[i]) + 1;
      return -2;
    }
    if (op == JMP_JA) return k == 0 ? jumpTarget(i) : -2;
    if (k == 0) return i + 1 < n ? i + 1 : -1;
    if (k == 1) return jumpTarget(i);
    return -2;
  }
  if (k == 0) return i + 1 < n ? i + 1 : -1;
  return -2;
}
