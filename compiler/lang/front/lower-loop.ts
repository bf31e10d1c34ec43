// Bounded loops: `for (let i = A; i < B; i++)` with A, B and the step known at compile time and
// `i` never assigned in the body, so the trip count is known before any code is emitted. A loop
// whose variable indexes an array is unrolled (each index becomes a constant); any other loop
// stays a loop, rotated so that each iteration costs one compare-and-branch.

import type { Expression, ForStatement, VariableDeclaration } from 'ts-morph';
import { Node, SyntaxKind, onFirstUse } from './ts-morph.ts';
import { codes } from '../codes.ts';
import { arith } from './lower-expr.ts';
import { constantOf, emitCompare } from './lower-cond.ts';
import { reg } from './arith.ts';
import type { Lowerer } from './lowerer.ts';
import { statement } from './lower-stmt.ts';
import { ints, wrap, type IntType } from './types.ts';
import type { Scalar } from './values.ts';
import { declarationOf } from './resolve-type.ts';

/** More iterations than this would exhaust the verifier's budget long before it finishes. */
export const MAX_TRIPS = 1 << 16;
export const MAX_UNROLL = 64;

type CmpOp = '<' | '<=' | '>' | '>=' | '!=';

interface LoopShape {
  decl: VariableDeclaration;
  type: IntType;
  start: bigint;
  op: CmpOp;
  bound: bigint;
  step: bigint;
}

export function forStatement(lx: Lowerer, s: ForStatement): void {
  const shape = analyse(lx, s);
  if (!shape) return;
  const values: bigint[] = [];
  for (let i = shape.start; holds(shape.op, i, shape.bound); i = wrap(i + shape.step, shape.type)) {
    values.push(i);
    if (values.length > MAX_TRIPS) {
      lx.report(codes.SY3067, `this loop runs more than ${MAX_TRIPS} times (or never ends: check the direction and the bound)`, s);
      return;
    }
  }
  if (values.length === 0) return;
  if (indexesArrays(s, shape.decl)) unrolled(lx, s, shape, values);
  else rotated(lx, s, shape);
}

function holds(op: CmpOp, a: bigint, b: bigint): boolean {
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '!=': return a !== b;
  }
}

const flip: Record<CmpOp, CmpOp> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '!=': '!=' };
const ops = onFirstUse((): Partial<Record<SyntaxKind, CmpOp>> => ({
  [SyntaxKind.LessThanToken]: '<',
  [SyntaxKind.LessThanEqualsToken]: '<=',
  [SyntaxKind.GreaterThanToken]: '>',
  [SyntaxKind.GreaterThanEqualsToken]: '>=',
  [SyntaxKind.ExclamationEqualsEqualsToken]: '!=',
  [SyntaxKind.ExclamationEqualsToken]: '!=',
}));

function analyse(lx: Lowerer, s: ForStatement): LoopShape | undefined {
  const fail = (why: string): undefined => {
    lx.report(codes.SY3006, `${why}; BPF-TS loops look like for (let i: u32 = 0; i < N; i++) with constant bounds`, s);
    return undefined;
  };
  const init = s.getInitializer();
  if (!init || !Node.isVariableDeclarationList(init) || init.getDeclarations().length !== 1) return fail('the loop declares no single variable');
  const decl = init.getDeclarations()[0]!;
  const initExpr = decl.getInitializer();
  const start = initExpr && constantOf(lx, initExpr);
  if (!start) return fail(`${decl.getName()} does not start at a constant`);
  const typeNode = decl.getTypeNode();
  const declared = typeNode && lx.c.types.fromNode(typeNode);
  const type: IntType = declared?.kind === 'int' ? declared : start.type.kind === 'int' ? start.type : ints.u32;
  if (type.be) return fail('the loop variable is a host-order integer');

  const cond = s.getCondition();
  if (!cond || !Node.isBinaryExpression(cond)) return fail('the loop has no comparison as its condition');
  let op = ops()[cond.getOperatorToken().getKind()];
  let boundExpr: Expression = cond.getRight();
  if (isVar(cond.getRight(), decl)) {
    boundExpr = cond.getLeft();
    op = op && flip[op];
  } else if (!isVar(cond.getLeft(), decl)) return fail(`the condition does not compare ${decl.getName()}`);
  const bound = constantOf(lx, boundExpr);
  if (!op || !bound) return fail('the bound is not a compile-time constant');

  const incr = s.getIncrementor();
  let step: bigint | undefined;
  if (incr && (Node.isPostfixUnaryExpression(incr) || Node.isPrefixUnaryExpression(incr)) && isVar(incr.getOperand(), decl)) {
    const t = incr.getOperatorToken();
    step = t === SyntaxKind.PlusPlusToken ? 1n : t === SyntaxKind.MinusMinusToken ? -1n : undefined;
  } else if (incr && Node.isBinaryExpression(incr) && isVar(incr.getLeft(), decl)) {
    const k = incr.getOperatorToken().getKind();
    const by = constantOf(lx, incr.getRight());
    if (by && (k === SyntaxKind.PlusEqualsToken || k === SyntaxKind.MinusEqualsToken)) step = k === SyntaxKind.PlusEqualsToken ? by.value : -by.value;
  }
  if (!step) return fail(`the step is not ${decl.getName()}++, ${decl.getName()}--, += or -= a constant`);
  const assigned = s.getStatement().getDescendants().find((n) => assigns(n, decl));
  if (assigned) {
    lx.report(codes.SY3006, `${decl.getName()} is assigned in the loop body, so the bound is not known`, assigned);
    return undefined;
  }
  return { decl, type, start: start.value, op, bound: bound.value, step };
}

function isVar(e: Node, decl: VariableDeclaration): boolean {
  return Node.isIdentifier(e) && declarationOf(e) === decl;
}

function assigns(n: Node, decl: VariableDeclaration): boolean {
  if (Node.isBinaryExpression(n)) {
    const k = n.getOperatorToken().getKind();
    return k >= SyntaxKind.FirstAssignment && k <= SyntaxKind.LastAssignment && isVar(n.getLeft(), decl);
  }
  if (Node.isPrefixUnaryExpression(n) || Node.isPostfixUnaryExpression(n)) {
    const t = n.getOperatorToken();
    return (t === SyntaxKind.PlusPlusToken || t === SyntaxKind.MinusMinusToken) && isVar(n.getOperand(), decl);
  }
  return false;
}

function indexesArrays(s: ForStatement, decl: VariableDeclaration): boolean {
  return s
    .getStatement()
    .getDescendantsOfKind(SyntaxKind.ElementAccessExpression)
    .some((e) => e.getArgumentExpression()?.getDescendantsOfKind(SyntaxKind.Identifier).some((id) => declarationOf(id) === decl) || isVar(e.getArgumentExpression()!, decl));
}

function unrolled(lx: Lowerer, s: ForStatement, shape: LoopShape, values: bigint[]): void {
  if (values.length > MAX_UNROLL) {
    lx.report(codes.SY3067, `this loop indexes arrays with ${shape.decl.getName()}, so it is unrolled, and ${values.length} copies are more than ${MAX_UNROLL}`, s);
    return;
  }
  const exit = lx.b.newBlock();
  for (const value of values) {
    if (!lx.b.cur) break;
    const next = lx.b.newBlock();
    lx.bind(shape.decl, { k: 'val', val: { k: 'const', type: shape.type, value } });
    lx.control.push({ kind: 'loop', breakTo: exit, continueTo: next });
    statement(lx, s.getStatement());
    lx.control.pop();
    if (lx.b.cur) lx.b.terminate({ op: 'jmp', target: next.id });
    lx.b.setBlock(next);
  }
  if (lx.b.cur) lx.b.terminate({ op: 'jmp', target: exit.id });
  lx.b.setBlock(exit);
}

/** The trip count is at least one here: the first check is known to pass, so the loop starts in its body. */
function rotated(lx: Lowerer, s: ForStatement, shape: LoopShape): void {
  const iv = lx.b.vreg({ name: shape.decl.getName() });
  lx.b.movConst(iv, shape.start);
  lx.bind(shape.decl, { k: 'var', v: iv, type: shape.type });
  const body = lx.b.newBlock();
  const latch = lx.b.newBlock();
  const exit = lx.b.newBlock();
  lx.b.jumpTo(body);
  lx.control.push({ kind: 'loop', breakTo: exit, continueTo: latch });
  statement(lx, s.getStatement());
  lx.control.pop();
  if (lx.b.cur) lx.b.terminate({ op: 'jmp', target: latch.id });
  lx.b.setBlock(latch);
  const cur: Scalar = { k: 'reg', type: shape.type, v: iv, dirty: false };
  const step: Scalar = { k: 'const', type: { kind: 'untyped' }, value: shape.step < 0n ? -shape.step : shape.step };
  const next = arith(lx, shape.step < 0n ? '-' : '+', cur, step, s);
  if (!next) return;
  lx.b.emit({ op: 'mov', dst: iv, src: reg(lx, next), w: 64 });
  const bound: Scalar = { k: 'const', type: shape.type, value: shape.bound };
  emitCompare(lx, shape.op, cur, bound, body, exit, s);
  lx.b.setBlock(exit);
}
