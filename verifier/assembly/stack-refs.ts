// Where each register — and each spilled 8-byte stack slot — may point into the running frame's
// own stack, before each instruction: nowhere, exactly r10 + k, or somewhere unknown. A forward
// dataflow computed once; precision.ts and liveness.ts use it to tell which stack slots an access,
// a helper or a call can touch.

import { Cfg, jumpTarget, NO_JUMP } from './cfg';
import {
  ALU_ADD, ALU_MOV, ALU_SUB, CALL_HELPER, CALL_LOCAL, CLS_ALU, CLS_ALU64, CLS_JMP, CLS_JMP32, CLS_LD, CLS_LDX, CLS_ST, CLS_STX, JMP_CALL,
  JMP_EXIT, JMP_JA, LD_IMM64, MODE_ATOMIC, SRC_X, classOf, modeOf, opOf, srcOf,
} from './opcode';
import { prog } from './program';
import { argForwardOnly, mayReturnCallerPointer } from './arg-pointers';
import { callsBack } from './callbacks';

/** Not a pointer into this frame. */
export const NOWHERE: i32 = 0x7fffffff;
/** Possibly into this frame, at an offset not known statically. */
export const ANYWHERE: i32 = 0x7ffffffe;

/** Programs larger than this get no analysis: every register counts as ANYWHERE. */
const MAX_ANALYSED: i32 = 65536;

/** Values tracked per instruction: r0-r10, then the 64 stack slots. */
const W: i32 = 11 + 64;

let refs: StaticArray<i32> = changetype<StaticArray<i32>>(0);
let analysed: bool = false;

/** What register r may point to in this frame before instruction i. */
export function stackRef(i: i32, r: i32): i32 {
  if (r == 10) return analysed ? unchecked(refs[i * W + 10]) : 0;
  if (!analysed) return ANYWHERE;
  return unchecked(refs[i * W + r]);
}

function join(a: i32, b: i32): i32 {
  if (a == b) return a;
  if (a == NOWHERE && b == NOWHERE) return NOWHERE;
  return ANYWHERE;
}

function isStack(v: i32): bool {
  return v != NOWHERE;
}

let cur: StaticArray<i32> = changetype<StaticArray<i32>>(0);

/** The registers' values after instruction i, given `cur` before it (updated in place). */
function step(i: i32): void {
  const code = unchecked(prog.code[i]);
  const cls = classOf(code);
  const d = <i32>unchecked(prog.dst[i]);
  const s = <i32>unchecked(prog.src[i]);
  const imm = unchecked(prog.imm[i]);
  if (d > 10 || s > 15) return;
  if (code == LD_IMM64) {
    unchecked((cur[d] = NOWHERE));
  } else if (cls == CLS_LD) {
    for (let r = 0; r <= 5; r++) unchecked((cur[r] = NOWHERE));
  } else if (cls == CLS_LDX) {
    // A fill from this frame brings back what was spilled there.
    const base = s <= 10 ? unchecked(cur[s]) : NOWHERE;
    let v = NOWHERE;
    if (base == ANYWHERE) {
      for (let k = 0; k < 64; k++) v = join(v, unchecked(cur[11 + k]));
    } else if (base != NOWHERE) {
      const at = base + <i32>unchecked(prog.off[i]);
      v = at >= -512 && at <= -8 && (at & 7) == 0 && (code & 0x18) == 0x18 ? unchecked(cur[11 + ((512 + at) >> 3)]) : NOWHERE;
    }
    unchecked((cur[d] = v));
  } else if (cls == CLS_STX && modeOf(code) == MODE_ATOMIC) {
    if (s <= 10) unchecked((cur[s] = NOWHERE));
    unchecked((cur[0] = NOWHERE));
  } else if (cls == CLS_STX || cls == CLS_ST) {
    const base = unchecked(cur[d]);
    const val = cls == CLS_STX && s <= 10 && (code & 0x18) == 0x18 ? unchecked(cur[s]) : NOWHERE;
    if (base == ANYWHERE) {
      if (val != NOWHERE) for (let k = 0; k < 64; k++) unchecked((cur[11 + k] = join(cur[11 + k], val)));
    } else if (base != NOWHERE) {
      const at = base + <i32>unchecked(prog.off[i]);
      if (at >= -512 && at <= -1) {
        const k = (512 + at) >> 3;
        // A whole-slot store replaces; a narrower one leaves data beside what was there.
        if ((code & 0x18) == 0x18 && (at & 7) == 0) unchecked((cur[11 + k] = val));
        else unchecked((cur[11 + k] = join(cur[11 + k], NOWHERE)));
      }
    }
  } else if (cls == CLS_ALU || cls == CLS_ALU64) {
    const op = opOf(code);
    const x = srcOf(code) == SRC_X;
    const wide = cls == CLS_ALU64;
    const dv = unchecked(cur[d]);
    const sv = x && s <= 10 ? unchecked(cur[s]) : NOWHERE;
    let out = NOWHERE;
    if (wide && op == ALU_MOV && x) out = sv;
    else if (wide && (op == ALU_ADD || op == ALU_SUB)) {
      if (!x && dv != NOWHERE && dv != ANYWHERE) out = op == ALU_ADD ? dv + imm : dv - imm;
      else if (isStack(dv) || isStack(sv)) out = ANYWHERE;
    }
    if (out != NOWHERE && out != ANYWHERE && (out < -4096 || out > 4096)) out = ANYWHERE;
    if (d != 10) unchecked((cur[d] = out));
  } else if ((cls == CLS_JMP || cls == CLS_JMP32) && opOf(code) == JMP_CALL) {
    // A called function may hand back a pointer into its caller's (this) frame, or store one
    // through a pointer it was given; a helper writes only data.
    let passes = false;
    let unruly = false;
    const callee = s == CALL_LOCAL ? unchecked(cfgRef.subprogOf[i + imm + 1]) : -1;
    for (let r = 1; r <= 5; r++) {
      if (!isStack(unchecked(cur[r]))) continue;
      passes = true;
      if (callee >= 0 && !argForwardOnly(callee, r)) unruly = true;
    }
    for (let r = 0; r <= 5; r++) unchecked((cur[r] = NOWHERE));
    if (callee >= 0) {
      if (passes && mayReturnCallerPointer(callee)) unchecked((cur[0] = ANYWHERE));
      if (unruly) for (let k = 0; k < 64; k++) unchecked((cur[11 + k] = join(cur[11 + k], ANYWHERE)));
    } else if (s == CALL_HELPER && passes && callsBack(imm)) {
      // A callback writes into this frame through its context pointer (any value but a pointer
      // to a stack, which memory.ts refuses); what the slots held is no longer known.
      for (let k = 0; k < 64; k++) unchecked((cur[11 + k] = join(cur[11 + k], ANYWHERE)));
    }
  }
}

let cfgRef: Cfg = changetype<Cfg>(0);

/** Needs computeArgPointers first. */
export function computeStackRefs(cfg: Cfg): void {
  cfgRef = cfg;
  const n = prog.count;
  analysed = n <= MAX_ANALYSED;
  cur = new StaticArray<i32>(W);
  if (!analysed) return;
  refs = new StaticArray<i32>(n * W);
  const seen = new StaticArray<bool>(n);
  // Entries: r10 is the frame pointer; nothing else points into a frame not yet made.
  for (let k = 0; k < cfg.subprogStart.length; k++) {
    const e = cfg.subprogStart[k];
    for (let r = 0; r < W; r++) unchecked((refs[e * W + r] = NOWHERE));
    unchecked((refs[e * W + 10] = 0));
    unchecked((seen[e] = true));
  }
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = 0; i < n; i++) {
      if (unchecked(cfg.isImmHi[i]) || !unchecked(seen[i])) continue;
      for (let r = 0; r < W; r++) unchecked((cur[r] = refs[i * W + r]));
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

/** Joins `cur` into the state before instruction t; whether it changed. */
function flow(t: i32, seen: StaticArray<bool>): bool {
  let changed = false;
  if (!unchecked(seen[t])) {
    unchecked((seen[t] = true));
    for (let r = 0; r < W; r++) unchecked((refs[t * W + r] = cur[r]));
    return true;
  }
  for (let r = 0; r < W; r++) {
    const old = unchecked(refs[t * W + r]);
    const v = join(old, unchecked(cur[r]));
    if (v != old) {
      unchecked((refs[t * W + r] = v));
      changed = true;
    }
  }
  return changed;
}

/** Bit mask of the 8-byte slots that bytes [lo, hi) of the frame (offsets from r10) touch. */
export function slotMask(lo: i32, hi: i32): u64 {
  if (lo < -512) lo = -512;
  if (hi > 0) hi = 0;
  if (hi <= lo) return 0;
  let m: u64 = 0;
  for (let slot = (512 + lo) >> 3; slot <= (512 + hi - 1) >> 3; slot++) m |= <u64>1 << <u64>slot;
  return m;
}

/** The largest key or value of the program's maps: how far a key or value argument reads. */
export function largestMapOperand(): i32 {
  let m = 8;
  for (let k = 0; k < prog.maps.length; k++) {
    const x = prog.maps[k];
    if (x.keySize > m) m = x.keySize;
    if (x.valueSize > m) m = x.valueSize;
  }
  return m;
}

/** Slots a memory argument in register r (before instruction i) may read, `size` bytes or to the frame top (-1). */
export function argSlots(i: i32, r: i32, size: i32): u64 {
  const v = stackRef(i, r);
  if (v == NOWHERE) return 0;
  if (v == ANYWHERE) return u64.MAX_VALUE;
  return slotMask(v, size < 0 ? 0 : v + size);
}

/**
 * Slots of this frame a BPF-to-BPF call at i may read or depend on: from each pointer argument
 * into the frame up to its top when the callee uses it forward only, else every slot; and,
 * since the callee may load a pointer spilled there and follow it, from every pointer into
 * this frame spilled in those slots up to the top as well.
 */
export function callSlots(i: i32, callee: i32): u64 {
  let m: u64 = 0;
  for (let r = 1; r <= 5; r++) {
    const v = stackRef(i, r);
    if (v == NOWHERE) continue;
    if (v == ANYWHERE || !argForwardOnly(callee, r)) return u64.MAX_VALUE;
    m |= slotMask(v, 0);
  }
  if (m == 0) return 0;
  if (!analysed) return u64.MAX_VALUE;
  // Regions only grow downwards, towards the frame's bottom: one pass from the top suffices.
  for (let k = 63; k >= 0; k--) {
    if ((m & (<u64>1 << <u64>k)) == 0) continue;
    const p = unchecked(refs[i * W + 11 + k]);
    if (p == NOWHERE) continue;
    if (p == ANYWHERE) return u64.MAX_VALUE;
    m |= slotMask(p, 0);
  }
  return m;
}
