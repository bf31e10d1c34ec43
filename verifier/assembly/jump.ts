// Conditional jumps: which side(s) a path can take, and what each side learns —
// scalar bounds (branch.ts, shared with linked copies), null checks on _or_null pointers, and
// packet ranges from comparing packet pointers with data_end (or data, for metadata).

import { valueNamesLock } from './spin-lock';
import { forgetNullReference } from './references';
import { JSET_NOT, negate, refineScalars, taken32, taken64 } from './branch';
import { fail, R } from './errors';
import { CLS_JMP32, JMP_JEQ, JMP_JGE, JMP_JGT, JMP_JLE, JMP_JLT, JMP_JNE, SRC_X, classOf, opOf, srcOf } from './opcode';
import { prog } from './program';
import { MAP_ARRAY_OF_MAPS, MAP_HASH_OF_MAPS } from './uapi';
import {
  Reg, NOT_INIT, SCALAR, CONST_PTR_TO_MAP, PTR_TO_PACKET, PTR_TO_PACKET_END, PTR_TO_PACKET_META,
  PTR_TO_MAP_VALUE, isOrNull, isPointer, nonNull,
} from './reg';
import { State } from './state';
import { scalarAlu } from './scalar-alu';
import { ALU_ADD } from './opcode';

const MAX_PACKET_OFF: i64 = 0xffff;

/** Outcomes of deciding a conditional jump. */
export const GO_FALL: i32 = 0;
export const GO_TAKEN: i32 = 1;
export const GO_BOTH: i32 = 2;
export const GO_ERROR: i32 = -1;

let K: Reg = changetype<Reg>(0);
let Tmp: Reg = changetype<Reg>(0);
let Shift: Reg = changetype<Reg>(0);

export function initJump(): void {
  K = new Reg();
  Tmp = new Reg();
  Shift = new Reg();
}

/** Checks the encoding and operands; decides which sides the state can take. */
export function decideJump(st: State, i: i32): i32 {
  const code = unchecked(prog.code[i]);
  const op = opOf(code);
  const x = srcOf(code) == SRC_X;
  const is32 = classOf(code) == CLS_JMP32;
  const dno = <i32>unchecked(prog.dst[i]);
  const sno = <i32>unchecked(prog.src[i]);
  const a = st.reg(dno);
  if (a.type == NOT_INIT) {
    fail(i, R(dno) + ' !read_ok');
    return GO_ERROR;
  }
  const b = operand(st, i, x, is32);
  if (b.type == NOT_INIT) {
    fail(i, R(sno) + ' !read_ok');
    return GO_ERROR;
  }
  const t = outcome(a, b, op, is32);
  if (t >= 0 && (a.type == SCALAR || b.type == SCALAR)) unchecked((decided[i] = true));
  return t == 1 ? GO_TAKEN : t == 0 ? GO_FALL : GO_BOTH;
}

/** Branches a walk decided from scalar values (precision.ts takes them as uses of the values). */
let decided: StaticArray<bool> = changetype<StaticArray<bool>>(0);

export function resetDecided(n: i32): void {
  decided = new StaticArray<bool>(n);
}

/** Adds this walk's decided branches to `sinks`; whether any was new. */
export function addDecided(sinks: StaticArray<bool>): bool {
  let added = false;
  for (let i = 0; i < decided.length; i++) {
    if (unchecked(decided[i]) && !unchecked(sinks[i])) {
      unchecked((sinks[i] = true));
      added = true;
    }
  }
  return added;
}

function operand(st: State, i: i32, x: bool, is32: bool): Reg {
  if (x) return st.reg(<i32>unchecked(prog.src[i]));
  const imm = unchecked(prog.imm[i]);
  K.markConst(is32 ? <u64>(<u32>imm) : <u64>(<i64>imm));
  return K;
}

function outcome(a: Reg, b: Reg, op: u8, is32: bool): i32 {
  if (a.type == SCALAR && b.type == SCALAR) return is32 ? taken32(a, b, op) : taken64(a, b, op);
  // A map value (never null) compared with zero: this kernel decides that branch, whatever the
  // offset (observed), but not for context, stack or packet pointers, so neither do we.
  if (!is32 && (op == JMP_JEQ || op == JMP_JNE)) {
    const p = isPointer(a.type) ? a : b;
    const z = isPointer(a.type) ? b : a;
    if (p.type == PTR_TO_MAP_VALUE && z.isZero()) return op == JMP_JEQ ? 0 : 1;
  }
  return -1;
}

/** What the side of the jump (taken or not) teaches the state. */
export function learnFromJump(st: State, i: i32, taken: bool): void {
  const code = unchecked(prog.code[i]);
  const op0 = opOf(code);
  const op = taken ? op0 : negate(op0);
  const x = srcOf(code) == SRC_X;
  const is32 = classOf(code) == CLS_JMP32;
  const a = st.reg(<i32>unchecked(prog.dst[i]));
  const b = operand(st, i, x, is32);
  if (a.type == SCALAR && b.type == SCALAR) {
    refineScalars(a, b, op, is32);
    if (a.id != 0) shareBounds(st, a, is32);
    if (x && b.id != 0) shareBounds(st, b, is32);
    return;
  }
  if (is32) return;
  // Only a comparison with the immediate zero is a null check (a register holding zero is
  // not, on this kernel: observed).
  if ((op == JMP_JEQ || op == JMP_JNE) && !x && unchecked(prog.imm[i]) == 0) {
    if (isOrNull(a.type) && a.id != 0) settleNull(st, a.id, op == JMP_JEQ);
    return;
  }
  if (op == JSET_NOT) return;
  packetCompare(st, a, b, op);
}

/** One linked copy learns the narrowed value, moved by the difference of their offsets. */
function shareOne(reg: Reg, src: Reg, is32: bool): void {
  if (reg == src || reg.type != SCALAR || reg.id != src.id) return;
  const shift = <i64>reg.delta - <i64>src.delta;
  if (shift == 0) {
    const delta = reg.delta;
    reg.copyFrom(src);
    reg.delta = delta;
    return;
  }
  // 32-bit comparisons teach offset copies nothing on this kernel (observed).
  if (is32) return;
  // The copy is the value plus the shift modulo 2^64: a 64-bit add describes it exactly.
  Shift.markConst(<u64>shift);
  Tmp.copyFrom(src);
  scalarAlu(ALU_ADD, true, Tmp, Shift);
  const id = reg.id;
  const delta = reg.delta;
  reg.copyFrom(Tmp);
  reg.id = id;
  reg.delta = delta;
}

/** Copies a scalar's (just narrowed) value to every register and spill linked with it. */
function shareBounds(st: State, src: Reg, is32: bool): void {
  for (let f = 0; f < st.depth; f++) {
    const fr = st.frame(f);
    for (let r = 0; r < 10; r++) shareOne(unchecked(fr.regs[r]), src, is32);
    for (let s = 0; s < 64; s++) {
      const sp = unchecked(fr.spill[s]);
      if (sp) shareOne(sp, src, is32);
    }
  }
}

function settleOne(reg: Reg, id: u32, isNull: bool): void {
  if (!isOrNull(reg.type) || reg.id != id) return;
  if (isNull) {
    reg.markConst(0);
    return;
  }
  const outer = reg.map;
  reg.type = nonNull(reg.type);
  if (reg.type == PTR_TO_MAP_VALUE) {
    if (!valueNamesLock(reg)) reg.id = 0;
    if (outer >= 0) {
      const mt = prog.maps[outer].type;
      if (mt == MAP_ARRAY_OF_MAPS || mt == MAP_HASH_OF_MAPS) {
        // A lookup in a map of maps yields the inner map itself.
        reg.markPointer(CONST_PTR_TO_MAP);
        reg.map = prog.maps[outer].inner;
      }
    }
  }
}

/** After "p == 0" or "p != 0": every copy of the lookup result becomes null or valid. */
function settleNull(st: State, id: u32, isNull: bool): void {
  if (isNull) forgetNullReference(st, id);
  for (let f = 0; f < st.depth; f++) {
    const fr = st.frame(f);
    for (let r = 0; r < 10; r++) settleOne(unchecked(fr.regs[r]), id, isNull);
    for (let s = 0; s < 64; s++) {
      const sp = unchecked(fr.spill[s]);
      if (sp) settleOne(sp, id, isNull);
    }
  }
}

/**
 * pkt vs pkt_end (and pkt_meta vs pkt): on the side where the pointer is at most the end, the
 * bytes before it are in the packet for every pointer sharing its variable part. A strict
 * "below the end" gives one byte more, except at offset 0 (the kernel's rule, observed).
 */
function packetCompare(st: State, a: Reg, b: Reg, op: u8): void {
  // Normalise to "p REL end" with p the packet pointer.
  let p = a;
  let end = b;
  let rel = op;
  if (isEndFor(a, b)) {
    p = b;
    end = a;
    rel = swapSides(op);
  } else if (!isEndFor(b, a)) {
    return;
  }
  void end;
  if (rel == JMP_JLE) grantRange(st, p, false);
  else if (rel == JMP_JLT) grantRange(st, p, true);
}

/** Whether `end` bounds packet pointer `p`: pkt_end for data pointers, data for metadata. */
function isEndFor(end: Reg, p: Reg): bool {
  if (p.type == PTR_TO_PACKET) return end.type == PTR_TO_PACKET_END;
  if (p.type == PTR_TO_PACKET_META) {
    return end.type == PTR_TO_PACKET && end.off == 0 && end.isConst() && end.v == 0;
  }
  return false;
}

/** "a op b" read as "b op' a". */
function swapSides(op: u8): u8 {
  if (op == JMP_JGT) return JMP_JLT;
  if (op == JMP_JGE) return JMP_JLE;
  if (op == JMP_JLT) return JMP_JGT;
  if (op == JMP_JLE) return JMP_JGE;
  return op;
}

function grantRange(st: State, p: Reg, rightOpen: bool): void {
  if (p.off < 0 || (p.off == 0 && rightOpen)) return;
  if (p.umax > <u64>MAX_PACKET_OFF || <i64>p.umax + <i64>p.off > MAX_PACKET_OFF) return;
  const range = p.off + (rightOpen ? 1 : 0);
  const type = p.type;
  const id = p.id;
  for (let f = 0; f < st.depth; f++) {
    const fr = st.frame(f);
    for (let r = 0; r < 10; r++) {
      const reg = unchecked(fr.regs[r]);
      if (reg.type == type && reg.id == id && reg.range < range) reg.range = range;
    }
    for (let s = 0; s < 64; s++) {
      const sp = unchecked(fr.spill[s]);
      if (sp && sp.type == type && sp.id == id && sp.range < range) sp.range = range;
    }
  }
}

