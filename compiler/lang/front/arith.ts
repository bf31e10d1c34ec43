// Integer semantics: which operand types combine (same sign, same byte order, the wider width
// wins, untyped constants adapt), constant folding, conversions, and the lazy normalisation of
// narrow results (a u8 sum is masked only when something needs its exact 64-bit value).

import type { Node } from 'ts-morph';
import { evalAlu, type AluOp, type VReg, type Width } from '../ir/ir.ts';
import { codes } from '../codes.ts';
import type { Lowerer } from './lowerer.ts';
import { fits, ints, typeName, wrap, type BoolType, type IntType, type UntypedIntType } from './types.ts';
import type { Scalar, Val } from './values.ts';

export type BinOp = '+' | '-' | '*' | '/' | '%' | '&' | '|' | '^' | '<<' | '>>' | '>>>';
export type CmpOp = '==' | '!=' | '<' | '<=' | '>' | '>=';
type Report = (code: (typeof codes)[keyof typeof codes], message: string) => void;

export const isScalarVal = (v: Val): v is Scalar => v.k === 'const' || v.k === 'reg';
const isBitwise = (op: string): boolean => op === '&' || op === '|' || op === '^';

/** The width of the instruction that operates on a type. */
export const widthOf = (t: IntType | BoolType): Width => (t.kind === 'int' && t.bits === 64 ? 64 : 32);

/**
 * The type both operands take in `a op b`, or undefined after reporting why they do not mix.
 * Comparisons use it too (with `op` ==, <, ...).
 */
export function commonType(a: Scalar, b: Scalar, op: BinOp | CmpOp, report: Report): IntType | BoolType | UntypedIntType | undefined {
  const ta = a.type;
  const tb = b.type;
  if (ta.kind === 'bool' || tb.kind === 'bool') {
    if ((op === '==' || op === '!=') && ta.kind === tb.kind) return ta;
    report(codes.SY3026, `\`${op}\` does not apply to bool operands`);
    return undefined;
  }
  if (ta.kind === 'untyped' && tb.kind === 'untyped') return ta;
  if (ta.kind === 'untyped' || tb.kind === 'untyped') {
    const [typed, c] = ta.kind === 'int' ? [ta, b] : [tb as IntType, a];
    const value = (c as { value: bigint }).value;
    if (typed.be) {
      if (value !== 0n || !(isBitwise(op) || op === '==' || op === '!=')) {
        report(codes.SY3025, `${typed.name} holds network byte order: compare or combine it with ${typed.bits === 16 ? 'htons' : 'htonl'}(${value}), not ${value}`);
        return undefined;
      }
      return typed;
    }
    if (!fits(value, typed) && !(isBitwise(op) && fits(value, { ...typed, signed: !typed.signed }))) {
      report(codes.SY3022, `${value} does not fit ${typed.name}`);
      return undefined;
    }
    return typed;
  }
  const x = ta as IntType;
  const y = tb as IntType;
  if (x.be || y.be) {
    if (x.name !== y.name) {
      report(codes.SY3025, `${x.name} and ${y.name} do not mix: convert with ntohs/ntohl or htons/htonl first`);
      return undefined;
    }
    if (!(isBitwise(op) || op === '==' || op === '!=')) {
      report(codes.SY3025, `\`${op}\` on ${x.name} would compute on network byte order: convert with ${x.bits === 16 ? 'ntohs' : 'ntohl'} first`);
      return undefined;
    }
    return x;
  }
  if (x.signed !== y.signed) {
    report(codes.SY3024, `${x.name} and ${y.name} mix signed and unsigned: cast one, e.g. ${y.signed ? x.name : y.name}(...)`);
    return undefined;
  }
  return x.bits >= y.bits ? x : y;
}

/** Folds `a op b` on constants of type `t` (untyped: exact arithmetic). */
export function foldBinary(op: BinOp, a: bigint, b: bigint, t: IntType | UntypedIntType): bigint {
  if (t.kind === 'untyped') {
    switch (op) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '/': return b === 0n ? 0n : a / b;
      case '%': return b === 0n ? a : a % b;
      case '&': return a & b;
      case '|': return a | b;
      case '^': return a ^ b;
      case '<<': return a << b;
      case '>>': return a >> b;
      case '>>>': return a >> b;
    }
  }
  const w: Width = t.bits === 64 ? 64 : 32;
  const r = evalAlu(aluOp(op, t), a, b, w);
  return wrap(r, t);
}

export function aluOp(op: BinOp, t: IntType): AluOp {
  switch (op) {
    case '+': return 'add';
    case '-': return 'sub';
    case '*': return 'mul';
    case '/': return t.signed ? 'sdiv' : 'div';
    case '%': return t.signed ? 'smod' : 'mod';
    case '&': return 'and';
    case '|': return 'or';
    case '^': return 'xor';
    case '<<': return 'lsh';
    case '>>': return t.signed ? 'arsh' : 'rsh';
    case '>>>': return 'rsh';
  }
}

/** Converts an untyped constant to `t`, reporting when it does not fit. */
export function typedConst(v: bigint, t: IntType | BoolType, report: Report): bigint | undefined {
  if (t.kind === 'bool') return v === 0n ? 0n : 1n;
  if (t.be) {
    if (v !== 0n) {
      report(codes.SY3025, `${t.name} holds network byte order: write ${t.bits === 16 ? 'htons' : 'htonl'}(${v})`);
      return undefined;
    }
    return 0n;
  }
  if (!fits(v, t)) {
    report(codes.SY3022, `${v} does not fit ${t.name}`);
    return undefined;
  }
  return v;
}

// --- Registers and normalisation ------------------------------------------------------------

/**
 * A register holding the value, exact in the low `w` bits at least; `w` 64 asks for the full
 * normalised value (zero- or sign-extended), as compares and address arithmetic need.
 */
export function reg(lx: Lowerer, v: Scalar, w: Width = 64): VReg {
  if (v.k === 'const') return lx.b.constant(v.value);
  if (!v.dirty) return v.v;
  const t = v.type;
  if (t.kind === 'bool') return v.v;
  if (t.bits === 32 && w === 32) return v.v;
  return normalise(lx, v.v, t);
}

/** The value as its type defines it, in a fresh register. */
export function normalise(lx: Lowerer, src: VReg, t: IntType): VReg {
  const dst = lx.b.vreg();
  if (t.signed) {
    if (t.bits === 64) lx.b.emit({ op: 'mov', dst, src, w: 64 });
    else lx.b.emit({ op: 'sext', dst, a: src, bits: t.bits as 8 | 16 | 32 });
  } else if (t.bits === 32) {
    lx.b.emit({ op: 'mov', dst, src, w: 32 });
  } else if (t.bits === 64) {
    lx.b.emit({ op: 'mov', dst, src, w: 64 });
  } else {
    lx.b.emit({ op: 'alu', aop: 'and', dst, a: src, b: { imm: t.bits === 8 ? 0xffn : 0xffffn }, w: 32 });
  }
  return dst;
}

/** A clean copy of a scalar value in a register of its own (for bindings). */
export function cleanVal(lx: Lowerer, v: Scalar): Val {
  if (v.k === 'const') return v;
  if (!v.dirty) return v;
  return { k: 'reg', type: v.type, v: reg(lx, v), dirty: false };
}

/**
 * Converts a value to `t` as an assignment, argument or return does: constants must fit,
 * integers widen within their sign and byte order, nothing narrows implicitly.
 */
export function implicitConvert(lx: Lowerer, v: Scalar, t: IntType | BoolType, node: Node): Scalar | undefined {
  const report: Report = (code, msg) => lx.report(code, msg, node);
  const from = v.type;
  if (from.kind === 'untyped') {
    const value = typedConst((v as { value: bigint }).value, t, report);
    return value === undefined ? undefined : { k: 'const', type: t, value };
  }
  if (t.kind === 'bool' || from.kind === 'bool') {
    if (t.kind === from.kind) return v;
    report(codes.SY3026, `${typeName(from)} is not ${typeName(t)}: ${t.kind === 'bool' ? 'compare it, e.g. x !== 0' : `convert it, e.g. ${t.name}(b)`}`);
    return undefined;
  }
  if (from.name === t.name) return v;
  if (from.be || t.be) {
    report(codes.SY3025, `${from.name} is not ${t.name}: convert with ${t.be ? (t.bits === 16 ? 'htons' : 'htonl') : from.bits === 16 ? 'ntohs' : 'ntohl'}`);
    return undefined;
  }
  if (from.signed !== t.signed) {
    report(codes.SY3024, `${from.name} is not ${t.name}: the sign differs; cast with ${t.name}(...)`);
    return undefined;
  }
  if (from.bits > t.bits) {
    report(codes.SY3023, `${from.name} does not fit ${t.name} without losing bits: cast with ${t.name}(...) to truncate`);
    return undefined;
  }
  if (v.k === 'const') return { k: 'const', type: t, value: v.value };
  // Widening within a sign: a normalised narrow value is already the wide one.
  return { k: 'reg', type: t, v: reg(lx, v), dirty: false };
}

/** An explicit cast `u8(x)`: truncates or extends as C does; be types only to themselves. */
export function explicitCast(lx: Lowerer, v: Scalar, t: IntType, node: Node): Scalar | undefined {
  const from = v.type;
  if (t.be && (from.kind !== 'int' || !from.be) && !(v.k === 'const' && v.value === 0n)) {
    lx.report(codes.SY3025, `${t.name}(x) keeps network order on bitwise results of ${t.name} values; a ${typeName(from)} needs ${t.bits === 16 ? 'htons' : 'htonl'}`, node);
    return undefined;
  }
  if (from.kind === 'untyped' || (v.k === 'const' && from.kind !== 'bool')) {
    return { k: 'const', type: t, value: wrap((v as { value: bigint }).value, t) };
  }
  if (from.kind === 'bool') return v.k === 'const' ? { k: 'const', type: t, value: v.value } : { k: 'reg', type: t, v: v.v, dirty: false };
  if (from.be !== t.be || (from.be && from.name !== t.name)) {
    lx.report(codes.SY3025, `${from.name} cannot be cast to ${t.name}: use ${from.be ? (from.bits === 16 ? 'ntohs' : 'ntohl') : t.bits === 16 ? 'htons' : 'htonl'}`, node);
    return undefined;
  }
  if (v.k === 'const') return { k: 'const', type: t, value: wrap(v.value, t) };
  if (from.bits > t.bits) return { k: 'reg', type: t, v: v.v, dirty: true };
  const src = reg(lx, v);
  // A normalised value of the source type is already right for the target when the target is
  // wider and the source unsigned, or when both are 64 bits wide; otherwise the extension differs.
  const exact = from.signed === t.signed || (from.bits < t.bits && !from.signed) || t.bits === 64;
  return { k: 'reg', type: t, v: src, dirty: !exact };
}

/** Emits `a op b` in type `t` (not constant), with a lazily normalised result. */
export function emitBinary(lx: Lowerer, op: BinOp, a: Scalar, b: Scalar, t: IntType, node: Node): Scalar {
  const w = widthOf(t);
  const aop = aluOp(op, t);
  const needsClean = ['div', 'sdiv', 'mod', 'smod', 'rsh', 'arsh'].includes(aop);
  const shift = aop === 'lsh' || aop === 'rsh' || aop === 'arsh';
  let x = a;
  let y = b;
  if (x.k === 'const' && ['add', 'mul', 'and', 'or', 'xor'].includes(aop)) [x, y] = [y, x];
  // A narrower operand joins a wider operation only normalised: its garbage bits would count.
  const operandReg = (s: Scalar, clean: boolean): VReg => {
    if (s.k === 'const') return lx.b.constant(s.value);
    const narrower = s.type.kind === 'int' && s.type.bits < t.bits;
    return clean || narrower ? reg(lx, s, narrower ? 64 : w) : s.v;
  };
  const ra = operandReg(x, needsClean);
  let rb: VReg | { imm: bigint };
  if (y.k === 'const') {
    if (y.value === 0n && (aop === 'div' || aop === 'sdiv' || aop === 'mod' || aop === 'smod')) {
      lx.report(codes.SY3029, `division by zero (BPF would give ${aop.endsWith('mod') ? 'the dividend' : '0'})`, node);
    }
    rb = lx.b.operand(y.value, w);
  } else {
    rb = operandReg(y, needsClean || shift);
  }
  const dst = lx.b.alu(aop, ra, rb, w);
  const cleanIn = (s: Scalar) => s.k === 'const' || !s.dirty;
  let dirty: boolean;
  if (t.bits === 64 || (t.bits === 32 && !t.signed)) dirty = false;
  else if (t.signed) dirty = true; // 32-bit operations zero the upper half of a sign-extended value
  else if (needsClean) dirty = false;
  else if (aop === 'and' || aop === 'or' || aop === 'xor') dirty = !(cleanIn(x) && cleanIn(y));
  else dirty = true;
  return { k: 'reg', type: t, v: dst, dirty };
}

/** Unary minus and bitwise not. */
export function emitUnary(lx: Lowerer, op: '-' | '~', a: Scalar, node: Node): Scalar | undefined {
  const t = a.type;
  if (t.kind === 'bool') {
    lx.report(codes.SY3026, `\`${op}\` does not apply to bool: use !`, node);
    return undefined;
  }
  if (a.k === 'const') {
    const v = op === '-' ? -a.value : ~a.value;
    return { k: 'const', type: t, value: t.kind === 'int' ? wrap(v, t) : v };
  }
  const it = t as IntType;
  if (it.be && op === '-') {
    lx.report(codes.SY3025, `negating ${it.name} computes on network byte order: convert first`, node);
    return undefined;
  }
  const w = widthOf(it);
  const dst = lx.b.vreg();
  if (op === '-') lx.b.emit({ op: 'neg', dst, a: a.v, w });
  else lx.b.emit({ op: 'alu', aop: 'xor', dst, a: a.v, b: { imm: -1n }, w });
  const dirty = !(it.bits === 64 || (it.bits === 32 && !it.signed));
  return { k: 'reg', type: it, v: dst, dirty };
}

export const u32Type = ints.u32;
