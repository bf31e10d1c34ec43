// How each function uses the pointers its caller passes in r1-r5: "forward only" when every
// access through them (and through copies moved forward by constants) is at a non-negative
// offset, and they never escape (stored, returned, passed on, moved by a variable or backwards).
// A caller's stack then matters to the call only from the pointer up to the frame's top.

import { Cfg, jumpTarget, NO_JUMP } from './cfg';
import {
  ALU_ADD, ALU_MOV, CLS_ALU, CLS_ALU64, CLS_JMP, CLS_JMP32, CLS_LD, CLS_LDX, CLS_ST, CLS_STX, JMP_CALL, JMP_EXIT,
  JMP_JA, LD_IMM64, SRC_X, classOf, opOf, srcOf,
} from './opcode';
import { prog } from './program';

/** Per subprogram: bit n set when argument rn is used forward only. */
let forwardOnly: StaticArray<u8> = changetype<StaticArray<u8>>(0);
/** Per subprogram: whether r0 at an exit may point into the caller's stack. */
let returnsCallerPointer: StaticArray<bool> = changetype<StaticArray<bool>>(0);

/** A value loaded through an argument pointer: it may be a pointer the caller spilled. */
const LOADED: u8 = 0x40;

export function mayReturnCallerPointer(subprog: i32): bool {
  return subprog == 0 || unchecked(returnsCallerPointer[subprog]);
}

export function argForwardOnly(subprog: i32, arg: i32): bool {
  return (<i32>unchecked(forwardOnly[subprog]) & (1 << arg)) != 0;
}

/** Tags before each instruction of one function: per register, which arguments it derives from. */
export function computeArgPointers(cfg: Cfg): void {
  const n = prog.count;
  const subprogs = cfg.subprogStart.length;
  forwardOnly = new StaticArray<u8>(subprogs);
  returnsCallerPointer = new StaticArray<bool>(subprogs);
  for (let sp = 0; sp < subprogs; sp++) unchecked((returnsCallerPointer[sp] = true));
  cfgRef = cfg;
  // Start from "nothing is forward only" and improve: calls have no cycles, so this settles on
  // the exact answer once callees are known.
  for (let pass = 0; pass < subprogs; pass++) {
    if (!analysePass(cfg, n, subprogs)) break;
  }
}

let cfgRef: Cfg = changetype<Cfg>(0);

/** One pass over every function; whether any function's answer changed. */
function analysePass(cfg: Cfg, n: i32, subprogs: i32): bool {
  let any = false;
  const tags = new StaticArray<u8>(n * 11);
  const seen = new StaticArray<bool>(n);
  const cur = new StaticArray<u8>(11);
  for (let sp = 1; sp < subprogs; sp++) {
    const start = cfg.subprogStart[sp];
    const end = cfg.subprogEnd(sp);
    let bad: u8 = 0;
    for (let r = 1; r <= 5; r++) unchecked((tags[start * 11 + r] = <u8>(<i32>1 << r)));
    unchecked((seen[start] = true));
    let changed = true;
    while (changed) {
      changed = false;
      for (let i = start; i < end; i++) {
        if (unchecked(cfg.isImmHi[i]) || !unchecked(seen[i])) continue;
        for (let r = 0; r < 11; r++) unchecked((cur[r] = tags[i * 11 + r]));
        bad |= stepTags(i, cur);
        const code = unchecked(prog.code[i]);
        const cls = classOf(code);
        const isJmp = cls == CLS_JMP || cls == CLS_JMP32;
        const op = opOf(code);
        if (isJmp && op == JMP_EXIT) continue;
        const next = code == LD_IMM64 ? i + 2 : i + 1;
        if (!(isJmp && op == JMP_JA) && next < end && merge(tags, seen, next, cur)) changed = true;
        const t = jumpTarget(i);
        if (t != NO_JUMP && t >= start && t < end && merge(tags, seen, t, cur)) changed = true;
      }
    }
    const v = <u8>(0x3e & ~bad);
    const returns = (bad & 0x80) != 0;
    if (v != unchecked(forwardOnly[sp]) || returns != unchecked(returnsCallerPointer[sp])) {
      unchecked((forwardOnly[sp] = v));
      unchecked((returnsCallerPointer[sp] = returns));
      any = true;
    }
  }
  return any;
}

function merge(tags: StaticArray<u8>, seen: StaticArray<bool>, t: i32, cur: StaticArray<u8>): bool {
  let changed = !unchecked(seen[t]);
  unchecked((seen[t] = true));
  for (let r = 0; r < 11; r++) {
    const old = unchecked(tags[t * 11 + r]);
    const v = old | unchecked(cur[r]);
    if (v != old) {
      unchecked((tags[t * 11 + r] = v));
      changed = true;
    }
  }
  return changed;
}

/** Updates the tags across instruction i; returns the arguments it uses in a bad way. */
function stepTags(i: i32, cur: StaticArray<u8>): u8 {
  const code = unchecked(prog.code[i]);
  const cls = classOf(code);
  const d = <i32>unchecked(prog.dst[i]);
  const s = <i32>unchecked(prog.src[i]);
  const off = <i32>unchecked(prog.off[i]);
  const imm = unchecked(prog.imm[i]);
  if (d > 10 || s > 10) return 0x3e;
  let bad: u8 = 0;
  const tagS = s <= 10 ? unchecked(cur[s]) : 0;
  const tagD = unchecked(cur[d]);
  if (code == LD_IMM64) {
    unchecked((cur[d] = 0));
  } else if (cls == CLS_LD) {
    for (let r = 0; r <= 5; r++) unchecked((cur[r] = 0));
  } else if (cls == CLS_LDX) {
    if (off < 0) bad |= tagS & 0x3e;
    // Only a double word can bring back a spilled pointer.
    unchecked((cur[d] = tagS != 0 && (code & 0x18) == 0x18 ? LOADED : 0));
  } else if (cls == CLS_ST) {
    if (off < 0) bad |= tagD & 0x3e;
  } else if (cls == CLS_STX) {
    if (off < 0) bad |= tagD & 0x3e;
    // An argument pointer stored somewhere escapes; a loaded value stored back through one may
    // put a pointer into the caller's stack.
    bad |= tagS & 0x3e;
    if ((tagS & LOADED) != 0) bad |= tagD & 0x3e;
  } else if (cls == CLS_ALU || cls == CLS_ALU64) {
    const op = opOf(code);
    const x = srcOf(code) == SRC_X;
    // Only additions move a stack pointer (this kernel refuses subtracting from one, and any
    // other operation leaves a number); forward by a constant keeps the promise.
    if (op == ALU_MOV && x && cls == CLS_ALU64) unchecked((cur[d] = tagS));
    else if (op == ALU_ADD && cls == CLS_ALU64) {
      if (x || imm < 0) {
        bad |= tagD | (x ? tagS : 0);
        unchecked((cur[d] = 0));
      }
    } else {
      unchecked((cur[d] = 0));
    }
  } else if (cls == CLS_JMP || cls == CLS_JMP32) {
    const op = opOf(code);
    if (op == JMP_EXIT) {
      const t0 = unchecked(cur[0]);
      bad |= t0 & 0x3e;
      if (t0 != 0) bad |= 0x80;
    }
    else if (op == JMP_CALL) {
      // Helpers read forward from pointers; a function passes if it uses them forward only.
      let back: u8 = 0;
      if (s == 1) {
        const callee = unchecked(cfgRef.subprogOf[i + imm + 1]);
        for (let r = 1; r <= 5; r++) if (!argForwardOnly(callee, r)) bad |= unchecked(cur[r]) & 0x3e;
        if (mayReturnCallerPointer(callee)) for (let r = 1; r <= 5; r++) back |= unchecked(cur[r]);
      } else if (s != 0) {
        for (let r = 1; r <= 5; r++) bad |= unchecked(cur[r]) & 0x3e;
      }
      for (let r = 0; r <= 5; r++) unchecked((cur[r] = 0));
      if (back != 0) unchecked((cur[0] = LOADED));
    }
  }
  return bad;
}
