// Expressions to values: literals and names, field and element access (places), arithmetic,
// comparisons and logic as values, conditionals, object literals. Calls are in lower-call.ts,
// branching on conditions in lower-cond.ts.

import type { BinaryExpression, Expression } from 'ts-morph';
import { Node, SyntaxKind, onFirstUse } from './ts-morph.ts';
import { codes } from '../codes.ts';
import type { Lowerer } from './lowerer.ts';
import {
  commonType,
  emitBinary,
  emitUnary,
  foldBinary,
  implicitConvert,
  isScalarVal,
  reg,
  typedConst,
  type BinOp,
} from './arith.ts';
import { lowerCall } from './lower-call.ts';
import { place, placeOn, readPlace } from './lower-place.ts';
import { condition, foldCondition } from './lower-cond.ts';
import { pointerOf } from './memory.ts';
import { objectLiteral } from './object-literal.ts';
import { boolType, typeName, untypedInt, type IntType, type Type } from './types.ts';
import type { Scalar, Val } from './values.ts';
import type { Block } from '../ir/ir.ts';

const binOps = onFirstUse((): Partial<Record<SyntaxKind, BinOp>> => ({
  [SyntaxKind.PlusToken]: '+',
  [SyntaxKind.MinusToken]: '-',
  [SyntaxKind.AsteriskToken]: '*',
  [SyntaxKind.SlashToken]: '/',
  [SyntaxKind.PercentToken]: '%',
  [SyntaxKind.AmpersandToken]: '&',
  [SyntaxKind.BarToken]: '|',
  [SyntaxKind.CaretToken]: '^',
  [SyntaxKind.LessThanLessThanToken]: '<<',
  [SyntaxKind.GreaterThanGreaterThanToken]: '>>',
  [SyntaxKind.GreaterThanGreaterThanGreaterThanToken]: '>>>',
}));

export const compareKinds = onFirstUse(() => new Set([
  SyntaxKind.EqualsEqualsEqualsToken,
  SyntaxKind.ExclamationEqualsEqualsToken,
  SyntaxKind.EqualsEqualsToken,
  SyntaxKind.ExclamationEqualsToken,
  SyntaxKind.LessThanToken,
  SyntaxKind.LessThanEqualsToken,
  SyntaxKind.GreaterThanToken,
  SyntaxKind.GreaterThanEqualsToken,
]));

export function binOpOf(kind: SyntaxKind): BinOp | undefined {
  return binOps()[kind];
}

/** Lowers an expression; `expected` types literals (and object literals) from their context. */
export function expr(lx: Lowerer, node: Expression, expected?: Type): Val | undefined {
  return lx.at(node, () => exprAt(lx, node, expected));
}

/** A scalar value, or undefined after reporting that the expression is not one. */
export function scalarExpr(lx: Lowerer, node: Expression, expected?: Type): Scalar | undefined {
  const v = expr(lx, node, expected);
  if (!v) return undefined;
  if (isScalarVal(v)) return v;
  lx.report(codes.SY3026, `expected an integer or bool, got ${describe(v)}`, node);
  return undefined;
}

export function describe(v: Val): string {
  switch (v.k) {
    case 'ref':
      return `a ${typeName(v.type)}`;
    case 'null':
      return 'null';
    case 'ctx':
      return 'the context';
    case 'map':
      return `map ${v.map.name}`;
    case 'config':
      return 'the configuration object';
    case 'object':
      return `the compile-time object ${v.name}`;
    case 'void':
      return 'nothing (void)';
    default:
      return typeName(v.type);
  }
}

function exprAt(lx: Lowerer, node: Expression, expected?: Type): Val | undefined {
  if (Node.isParenthesizedExpression(node)) return expr(lx, node.getExpression(), expected);
  if (Node.isNumericLiteral(node)) return numericLiteral(lx, node, expected);
  switch (node.getKind()) {
    case SyntaxKind.TrueKeyword:
      return { k: 'const', type: boolType, value: 1n };
    case SyntaxKind.FalseKeyword:
      return { k: 'const', type: boolType, value: 0n };
    case SyntaxKind.NullKeyword:
      return { k: 'null' };
  }
  if (Node.isIdentifier(node)) return identifier(lx, node);
  if (Node.isPropertyAccessExpression(node) || Node.isElementAccessExpression(node)) {
    const obj = node.getExpression();
    // Reading `cfg.field` or `arr.length` needs no place.
    if (Node.isPropertyAccessExpression(node)) {
      const base = expr(lx, obj);
      if (!base) return undefined;
      if (base.k === 'config') {
        const f = base.fields.get(node.getName());
        if (!f) lx.report(codes.SY3064, `configuration ${base.name} has no valid field ${node.getName()}`, node);
        return f;
      }
      if (base.k === 'object') return objectMember(lx, base, node.getName(), node);
      if (base.k === 'ref' && base.type.kind === 'array' && node.getName() === 'length') {
        return { k: 'const', type: untypedInt, value: BigInt(base.type.length) };
      }
      return readPlace(lx, placeOn(lx, base, node));
    }
    return readPlace(lx, place(lx, node));
  }
  if (Node.isBinaryExpression(node)) return binary(lx, node, expected);
  if (Node.isPrefixUnaryExpression(node)) {
    const op = node.getOperatorToken();
    if (op === SyntaxKind.ExclamationToken) return boolOf(lx, node);
    if (op === SyntaxKind.MinusToken || op === SyntaxKind.TildeToken) {
      const a = scalarExpr(lx, node.getOperand(), expected);
      return a && emitUnary(lx, op === SyntaxKind.MinusToken ? '-' : '~', a, node);
    }
    lx.report(codes.SY3002, `\`${node.getText()}\`: increments and decrements are statements in BPF-TS`, node);
    return undefined;
  }
  if (Node.isPostfixUnaryExpression(node)) {
    lx.report(codes.SY3002, `\`${node.getText()}\`: increments and decrements are statements in BPF-TS`, node);
    return undefined;
  }
  if (Node.isConditionalExpression(node)) return conditional(lx, node, expected);
  if (Node.isCallExpression(node)) return lowerCall(lx, node);
  if (Node.isObjectLiteralExpression(node)) return objectLiteral(lx, node, expected);
  if (Node.isArrowFunction(node) || Node.isFunctionExpression(node)) {
    lx.report(codes.SY3003, 'closures and function values are not BPF-TS: declare a function and call it', node);
    return undefined;
  }
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node) || Node.isTemplateExpression(node) || Node.isArrayLiteralExpression(node)) {
    lx.report(codes.SY3007, `\`${node.getText().slice(0, 30)}\`: strings and dynamic arrays are not BPF-TS`, node);
    return undefined;
  }
  if (Node.isNonNullExpression(node)) {
    lx.report(codes.SY3040, `\`!\` does not convince the verifier: check for null with an if`, node);
    return undefined;
  }
  if (Node.isAsExpression(node) || Node.isTypeAssertion(node) || Node.isSatisfiesExpression(node)) {
    lx.report(codes.SY3002, 'type assertions are not BPF-TS: convert with u32(x), htons(x), ...', node);
    return undefined;
  }
  if (Node.isBigIntLiteral(node)) {
    lx.report(codes.SY3002, 'bigint literals are not BPF-TS: write the number (its type gives the width)', node);
    return undefined;
  }
  lx.report(codes.SY3002, `\`${node.getText().slice(0, 40)}\` (${node.getKindName()}) is not BPF-TS`, node);
  return undefined;
}

function numericLiteral(lx: Lowerer, node: Node, expected?: Type): Val | undefined {
  const text = node.getText().replace(/_/g, '');
  if (/^[0-9]*\.|^[0-9]+e/i.test(text) && !/^0x/i.test(text)) {
    lx.report(codes.SY3004, `${text}: floating-point numbers are not BPF-TS`, node);
    return undefined;
  }
  const value = BigInt(text.replace(/^0o/i, '0o').replace(/^0b/i, '0b'));
  if (expected && (expected.kind === 'int' || expected.kind === 'bool') && expected.kind === 'int') {
    const v = typedConst(value, expected, (code, msg) => lx.report(code, msg, node));
    return v === undefined ? undefined : { k: 'const', type: expected, value: v };
  }
  return { k: 'const', type: untypedInt, value };
}

function identifier(lx: Lowerer, node: Node): Val | undefined {
  const ent = lx.c.entity(node);
  switch (ent.k) {
    case 'local': {
      const b = lx.env.get(ent.decl);
      if (!b) {
        lx.report(codes.SY3010, `${node.getText()} is not available here`, node);
        return undefined;
      }
      if (b.k === 'poison') return undefined;
      if (b.k === 'val') return b.val;
      if (b.k === 'var') return { k: 'reg', type: b.type, v: b.v, dirty: false, shared: true };
      return { k: 'ref', type: b.type, ref: { base: { v: b.v }, off: 0, region: b.region }, nullable: true };
    }
    case 'moduleConst':
      return lx.c.moduleValue(ent.decl);
    case 'ambientConst':
      return { k: 'const', type: untypedInt, value: ent.value };
    case 'function':
    case 'intrinsic':
    case 'helper':
      lx.report(codes.SY3003, `${node.getText()} is a function: call it (function values are not BPF-TS)`, node);
      return undefined;
    case 'unknown':
      lx.report(codes.SY3010, ent.why, node);
      return undefined;
  }
}

/** A member of a compile-time object (a family's map or constant); its functions are called, not read. */
function objectMember(lx: Lowerer, obj: Extract<Val, { k: 'object' }>, name: string, node: Node): Val | undefined {
  const m = obj.members.get(name);
  if (m) return m;
  if (obj.functions.has(name)) lx.report(codes.SY3003, `${obj.name}.${name} is a function: call it (function values are not BPF-TS)`, node);
  else lx.report(codes.SY3010, `${obj.name} has no member ${name}`, node);
  return undefined;
}

function binary(lx: Lowerer, node: BinaryExpression, expected?: Type): Val | undefined {
  const kind = node.getOperatorToken().getKind();
  if (compareKinds().has(kind) || kind === SyntaxKind.AmpersandAmpersandToken || kind === SyntaxKind.BarBarToken) {
    return boolOf(lx, node);
  }
  const op = binOps()[kind];
  if (!op) {
    const what = kind >= SyntaxKind.FirstAssignment && kind <= SyntaxKind.LastAssignment ? 'assignments are statements in BPF-TS' : 'operator not in BPF-TS';
    lx.report(codes.SY3002, `\`${node.getOperatorToken().getText()}\`: ${what}`, node);
    return undefined;
  }
  const a = scalarExpr(lx, node.getLeft(), expected);
  if (!a) return undefined;
  const shift = op === '<<' || op === '>>' || op === '>>>';
  const b = scalarExpr(lx, node.getRight(), shift ? undefined : a.type.kind === 'int' ? a.type : expected);
  if (!b) return undefined;
  return arith(lx, op, a, b, node);
}

/** `a op b` on scalars: types checked, constants folded, otherwise emitted. */
export function arith(lx: Lowerer, op: BinOp, a: Scalar, b: Scalar, node: Node): Scalar | undefined {
  const report = (code: (typeof codes)[keyof typeof codes], msg: string) => lx.report(code, msg, node);
  const shift = op === '<<' || op === '>>' || op === '>>>';
  let t: Type | undefined;
  if (shift) {
    if (a.type.kind === 'bool' || b.type.kind === 'bool' || (a.type.kind === 'int' && a.type.be) || (b.type.kind === 'int' && b.type.be)) {
      report(codes.SY3026, `\`${op}\` applies to host-order integers`);
      return undefined;
    }
    t = a.type;
    if (b.k === 'const' && t.kind === 'int' && (b.value < 0n || b.value >= BigInt(t.bits))) {
      report(codes.SY3028, `shifting a ${t.name} by ${b.value}: the count must be 0..${t.bits - 1}`);
      return undefined;
    }
  } else {
    t = commonType(a, b, op, report);
  }
  if (!t) return undefined;
  if (t.kind === 'bool') {
    report(codes.SY3026, `\`${op}\` does not apply to bool`);
    return undefined;
  }
  if (a.k === 'const' && b.k === 'const') return { k: 'const', type: t, value: foldBinary(op, a.value, b.value, t) };
  if (t.kind === 'untyped') {
    // An untyped constant shifted by a variable: the constant needs a type first.
    report(codes.SY3027, `give ${a.k === 'const' ? a.value : 'the left operand'} a type, e.g. u32(${a.k === 'const' ? a.value : 'x'})`);
    return undefined;
  }
  const conv = (s: Scalar): Scalar => (s.k === 'const' && s.type.kind === 'untyped' ? { k: 'const', type: t as IntType, value: s.value } : s);
  return emitBinary(lx, op, conv(a), shift ? b : conv(b), t, node);
}

/** A condition as a value: 1 or 0 in a register (or a constant when it folds). */
function boolOf(lx: Lowerer, node: Expression): Val | undefined {
  const folded = foldCondition(lx, node);
  if (folded !== undefined) return { k: 'const', type: boolType, value: folded ? 1n : 0n };
  return boolFromBranches(lx, (yes, no) => {
    condition(lx, node, yes, no);
    return true;
  });
}

/**
 * 1 or 0 in a register, from code that branches to `yes` or `no` (`branch` returns false when it
 * could not lower its condition: then undefined). The one way a condition becomes a value.
 */
export function boolFromBranches(lx: Lowerer, branch: (yes: Block, no: Block) => boolean): Val | undefined {
  const dst = lx.b.vreg();
  const yes = lx.b.newBlock();
  const no = lx.b.newBlock();
  const join = lx.b.newBlock();
  if (!branch(yes, no)) return undefined;
  lx.b.setBlock(yes);
  lx.b.emit({ op: 'mov', dst, src: { imm: 1n }, w: 64 });
  lx.b.terminate({ op: 'jmp', target: join.id });
  lx.b.setBlock(no);
  lx.b.emit({ op: 'mov', dst, src: { imm: 0n }, w: 64 });
  lx.b.terminate({ op: 'jmp', target: join.id });
  lx.b.setBlock(join);
  return { k: 'reg', type: boolType, v: dst, dirty: false };
}

function conditional(lx: Lowerer, node: Node & { getCondition(): Expression; getWhenTrue(): Expression; getWhenFalse(): Expression }, expected?: Type): Val | undefined {
  const folded = foldCondition(lx, node.getCondition());
  if (folded !== undefined) return expr(lx, folded ? node.getWhenTrue() : node.getWhenFalse(), expected);
  const yes = lx.b.newBlock();
  const no = lx.b.newBlock();
  condition(lx, node.getCondition(), yes, no);
  const join = lx.b.newBlock();
  lx.b.setBlock(yes);
  const a = expr(lx, node.getWhenTrue(), expected);
  const aEnd = lx.b.cur;
  lx.b.setBlock(no);
  const b = expr(lx, node.getWhenFalse(), expected ?? (a && isScalarVal(a) && a.type.kind !== 'untyped' ? a.type : undefined));
  const bEnd = lx.b.cur;
  if (!a || !b) return undefined;
  if (isScalarVal(a) && isScalarVal(b)) {
    let t = commonType(a, b, '==', (code, msg) => lx.report(code, msg, node));
    if (!t) return undefined;
    if (t.kind === 'untyped' && expected && (expected.kind === 'int' || expected.kind === 'bool')) t = expected;
    if (t.kind === 'untyped') {
      lx.report(codes.SY3027, 'give the branches of ?: a type, e.g. u32(1)', node);
      return undefined;
    }
    const dst = lx.b.vreg();
    for (const [v, end] of [[a, aEnd], [b, bEnd]] as const) {
      lx.b.setBlock(end);
      const conv = implicitConvert(lx, v, t, node);
      if (conv) lx.b.emit({ op: 'mov', dst, src: conv.k === 'const' ? lx.b.operand(conv.value, 64) : reg(lx, conv), w: 64 });
      lx.b.terminate({ op: 'jmp', target: join.id });
    }
    lx.b.setBlock(join);
    return { k: 'reg', type: t, v: dst, dirty: false };
  }
  const refOf = (v: Val) => (v.k === 'ref' ? v : v.k === 'null' ? v : undefined);
  const ra = refOf(a);
  const rb = refOf(b);
  const type = ra?.k === 'ref' ? ra.type : rb?.k === 'ref' ? rb.type : undefined;
  if (!ra || !rb || !type) {
    lx.report(codes.SY3026, `the branches of ?: differ: ${describe(a)} and ${describe(b)}`, node);
    return undefined;
  }
  const region = ra.k === 'ref' && rb.k === 'ref' && ra.ref.region === rb.ref.region ? ra.ref.region : 'unknown';
  const dst = lx.b.vreg({ ptr: region });
  for (const [v, end] of [[ra, aEnd], [rb, bEnd]] as const) {
    lx.b.setBlock(end);
    if (v.k === 'null') lx.b.emit({ op: 'mov', dst, src: { imm: 0n }, w: 64 });
    else lx.b.emit({ op: 'mov', dst, src: pointerOf(lx, v.ref), w: 64 });
    lx.b.terminate({ op: 'jmp', target: join.id });
  }
  lx.b.setBlock(join);
  const nullable = ra.k === 'null' || rb.k === 'null' || (ra.k === 'ref' && ra.nullable) || (rb.k === 'ref' && rb.nullable);
  return { k: 'ref', type, ref: { base: { v: dst }, off: 0, region }, nullable };
}
