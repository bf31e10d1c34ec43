// Conditions as control flow: &&, ||, !, comparisons, null checks and truthiness branch to a
// true and a false block. Constant conditions (configuration, constants) are folded first, so
// the branch not taken is never lowered: that is how disabled features vanish from the output.

import type { CallExpression, Expression } from 'ts-morph';
import { Node, SyntaxKind, onFirstUse } from './ts-morph.ts';
import { commonType, isScalarVal, reg, widthOf, type CmpOp } from './arith.ts';
import { NotConstant } from '../ir/builder.ts';
import { codes } from '../codes.ts';
import { swapCond, type Cond } from '../ir/ir.ts';
import type { Block } from '../ir/ir.ts';
import { compareKinds, describe, expr } from './lower-expr.ts';
import { equalBranch } from './lower-call.ts';
import { peekFixed } from './generics.ts';
import { inlineCondition } from './lower-function.ts';
import type { Lowerer } from './lowerer.ts';
import { isSlotBase, type Scalar, type Val } from './values.ts';

const cmpOps = onFirstUse((): Partial<Record<SyntaxKind, CmpOp>> => ({
  [SyntaxKind.EqualsEqualsEqualsToken]: '==',
  [SyntaxKind.EqualsEqualsToken]: '==',
  [SyntaxKind.ExclamationEqualsEqualsToken]: '!=',
  [SyntaxKind.ExclamationEqualsToken]: '!=',
  [SyntaxKind.LessThanToken]: '<',
  [SyntaxKind.LessThanEqualsToken]: '<=',
  [SyntaxKind.GreaterThanToken]: '>',
  [SyntaxKind.GreaterThanEqualsToken]: '>=',
}));

/**
 * The value of an expression if it is a compile-time constant, found without emitting anything
 * (and without reporting: the real lowering reports what is wrong).
 */
export function constantOf(lx: Lowerer, node: Expression): Extract<Val, { k: 'const' }> | undefined {
  const saved = lx.b.constOnly;
  const reported = lx.c.diags.items.length;
  lx.b.constOnly = true;
  try {
    const v = expr(lx, node);
    return v?.k === 'const' ? v : undefined;
  } catch (e) {
    if (e instanceof NotConstant) return undefined;
    throw e;
  } finally {
    lx.b.constOnly = saved;
    lx.c.diags.items.length = reported;
  }
}

/** true/false when the condition is known at compile time, else undefined. */
export function foldCondition(lx: Lowerer, node: Expression): boolean | undefined {
  if (Node.isParenthesizedExpression(node)) return foldCondition(lx, node.getExpression());
  if (Node.isPrefixUnaryExpression(node) && node.getOperatorToken() === SyntaxKind.ExclamationToken) {
    const v = foldCondition(lx, node.getOperand());
    return v === undefined ? undefined : !v;
  }
  if (Node.isBinaryExpression(node)) {
    const kind = node.getOperatorToken().getKind();
    if (kind === SyntaxKind.AmpersandAmpersandToken || kind === SyntaxKind.BarBarToken) {
      const a = foldCondition(lx, node.getLeft());
      const and = kind === SyntaxKind.AmpersandAmpersandToken;
      if (a === undefined) return undefined;
      if (a !== and) return a; // false && x, true || x
      return foldCondition(lx, node.getRight());
    }
    const op = cmpOps()[kind];
    if (op) {
      const a = constantOf(lx, node.getLeft());
      const b = a && constantOf(lx, node.getRight());
      if (!a || !b) return undefined;
      return evalCmp(op, a.value, b.value, a.type.kind === 'int' ? a.type.signed : b.type.kind === 'int' && b.type.signed);
    }
  }
  const v = constantOf(lx, node);
  return v === undefined ? undefined : v.value !== 0n;
}

function evalCmp(op: CmpOp, a: bigint, b: bigint, _signed: boolean): boolean {
  // Constants are exact integers here (typed ones are already wrapped to their type).
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
  }
}

/** Branches to `t` when `node` holds, else to `f`; the current block ends. */
export function condition(lx: Lowerer, node: Expression, t: Block, f: Block): void {
  lx.at(node, () => conditionAt(lx, node, t, f));
}

function conditionAt(lx: Lowerer, node: Expression, t: Block, f: Block): void {
  const folded = foldCondition(lx, node);
  if (folded !== undefined) {
    lx.b.terminate({ op: 'jmp', target: (folded ? t : f).id });
    return;
  }
  if (Node.isParenthesizedExpression(node)) return condition(lx, node.getExpression(), t, f);
  if (Node.isPrefixUnaryExpression(node) && node.getOperatorToken() === SyntaxKind.ExclamationToken) {
    // `!p(x)` of a predicate `return a === b` branches on `a !== b`, as if written so.
    const operand = node.getOperand();
    if (Node.isCallExpression(operand) && predicateCall(lx, operand, t, (e) => negated(lx, e, t, f))) return;
    return condition(lx, operand, f, t);
  }
  if (Node.isBinaryExpression(node)) {
    const kind = node.getOperatorToken().getKind();
    if (kind === SyntaxKind.AmpersandAmpersandToken || kind === SyntaxKind.BarBarToken) {
      const and = kind === SyntaxKind.AmpersandAmpersandToken;
      const left = foldCondition(lx, node.getLeft());
      if (left === undefined) {
        const mid = lx.b.newBlock();
        condition(lx, node.getLeft(), and ? mid : t, and ? f : mid);
        lx.b.setBlock(mid);
      } else if (left !== and) {
        lx.b.terminate({ op: 'jmp', target: (left ? t : f).id });
        return;
      }
      return condition(lx, node.getRight(), t, f);
    }
    if (compareKinds().has(kind)) return compare(lx, cmpOps()[kind]!, node.getLeft(), node.getRight(), t, f, node);
  }
  // equal(a, b) branches on its word compares directly, without a 0/1 in between.
  if (Node.isCallExpression(node) && Node.isIdentifier(node.getExpression())) {
    const ent = lx.c.entity(node.getExpression());
    if (ent.k === 'intrinsic' && ent.name === 'equal') {
      if (!equalBranch(lx, node, t, f)) lx.b.terminate({ op: 'jmp', target: f.id });
      return;
    }
  }
  // A call to an @inline predicate (`return a && b`) branches on its condition where it is.
  if (Node.isCallExpression(node) && predicateCall(lx, node, f, (e) => condition(lx, e, t, f))) return;
  const v = expr(lx, node);
  if (v) truthy(lx, v, t, f, node);
}

/** Lowers a call to an @inline predicate through `branch` on its returned condition; false: not one. */
function predicateCall(lx: Lowerer, node: CallExpression, fail: Block, branch: (e: Expression) => void): boolean {
  const callee = node.getExpression();
  const obj = Node.isPropertyAccessExpression(callee) ? peekFixed(lx, callee.getExpression()) : undefined;
  const ent = Node.isIdentifier(callee) ? lx.c.entity(callee) : undefined;
  const decl = ent?.k === 'function' ? ent.decl : obj?.k === 'object' && Node.isPropertyAccessExpression(callee) ? obj.functions.get(callee.getName()) : undefined;
  const done = decl && inlineCondition(lx, decl, node.getArguments() as Expression[], node, branch);
  if (done === undefined) return false;
  if (!done) lx.b.terminate({ op: 'jmp', target: fail.id });
  return true;
}

const inverse: Record<CmpOp, CmpOp> = { '==': '!=', '!=': '==', '<': '>=', '<=': '>', '>': '<=', '>=': '<' };

/** Branches to `t` when `node` does not hold: a comparison inverted, anything else with the targets swapped. */
function negated(lx: Lowerer, node: Expression, t: Block, f: Block): void {
  const inner = Node.isParenthesizedExpression(node) ? node.getExpression() : node;
  const op = Node.isBinaryExpression(inner) ? cmpOps()[inner.getOperatorToken().getKind()] : undefined;
  if (op && Node.isBinaryExpression(inner) && foldCondition(lx, inner) === undefined) {
    lx.at(inner, () => compare(lx, inverse[op], inner.getLeft(), inner.getRight(), t, f, inner));
    return;
  }
  condition(lx, node, f, t);
}

function compare(lx: Lowerer, op: CmpOp, left: Expression, right: Expression, t: Block, f: Block, node: Node): void {
  const a = expr(lx, left);
  if (!a) return;
  const b = expr(lx, right, isScalarVal(a) && a.type.kind !== 'untyped' ? a.type : undefined);
  if (!b) return;
  if (a.k === 'null' || b.k === 'null') {
    const other = a.k === 'null' ? b : a;
    if (op !== '==' && op !== '!=') {
      lx.report(codes.SY3026, `\`${op}\` with null: only === and !== compare with null`, node);
      return;
    }
    const [yes, no] = op === '==' ? [f, t] : [t, f];
    // x === null branches to t when x is 0: truthy(x) goes to `no`-for-null.
    truthy(lx, other, yes, no, node);
    return;
  }
  if (!isScalarVal(a) || !isScalarVal(b)) {
    lx.report(codes.SY3026, `cannot compare ${describe(a)} with ${describe(b)}${a.k === 'ref' ? ': compare contents with equal(a, b)' : ''}`, node);
    return;
  }
  emitCompare(lx, op, a, b, t, f, node);
}

export function emitCompare(lx: Lowerer, op: CmpOp, a: Scalar, b: Scalar, t: Block, f: Block, node: Node): void {
  const type = commonType(a, b, op, (code, msg) => lx.report(code, msg, node));
  if (!type) return;
  if (a.k === 'const' && b.k === 'const') {
    lx.b.terminate({ op: 'jmp', target: (evalCmp(op, a.value, b.value, false) ? t : f).id });
    return;
  }
  if (type.kind === 'untyped') return;
  const signed = type.kind === 'int' && type.signed;
  let cond: Cond = ({ '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge' } as const)[op];
  if (signed && cond !== 'eq' && cond !== 'ne') cond = ('s' + cond) as Cond;
  let x = a;
  let y = b;
  if (x.k === 'const') {
    [x, y] = [y, x];
    cond = swapCond(cond);
  }
  const w = widthOf(type);
  const ra = reg(lx, x as Scalar, w);
  const rb = y.k === 'const' ? lx.b.operand(y.value, w) : reg(lx, y, w);
  lx.b.branch(cond, ra, rb, w, t, f);
}

/** Non-zero integers, true, and non-null references go to `t`. */
export function truthy(lx: Lowerer, v: Val, t: Block, f: Block, node: Node): void {
  switch (v.k) {
    case 'const':
      lx.b.terminate({ op: 'jmp', target: (v.value !== 0n ? t : f).id });
      return;
    case 'reg': {
      const w = widthOf(v.type);
      lx.b.branch('ne', reg(lx, v, w), { imm: 0n }, w, t, f);
      return;
    }
    case 'ref':
      if (isSlotBase(v.ref.base) || !v.nullable) {
        lx.b.terminate({ op: 'jmp', target: t.id });
        return;
      }
      // A null check on the pointer register itself: the verifier marks it (and its copies).
      lx.b.branch('ne', v.ref.base.v, { imm: 0n }, 64, t, f);
      return;
    case 'null':
      lx.b.terminate({ op: 'jmp', target: f.id });
      return;
    default:
      lx.report(codes.SY3026, `${describe(v)} is not a condition`, node);
  }
}
