// Statements: declarations (const binds, let owns a register), assignments, if/else (folded when
// the condition is constant), switch, return (to the exit, or to an inlined call's join), break
// and continue. Loops are in lower-loop.ts.

import type { Expression, Statement, VariableDeclaration } from 'ts-morph';
import { Node, SyntaxKind, onFirstUse } from './ts-morph.ts';
import { codes } from '../codes.ts';
import { cleanVal, implicitConvert, isScalarVal, reg, type BinOp } from './arith.ts';
import type { Block } from '../ir/ir.ts';
import { foldCondition, condition, constantOf, emitCompare } from './lower-cond.ts';
import { arith, describe, expr, scalarExpr } from './lower-expr.ts';
import { place, readPlace } from './lower-place.ts';
import { forStatement } from './lower-loop.ts';
import type { Lowerer } from './lowerer.ts';
import { copyMem, pointerOf, stackObject, storeScalar } from './memory.ts';
import { isScalar, sizeOf, typeName, type Type } from './types.ts';
import type { Place, Val } from './values.ts';

export function statements(lx: Lowerer, stmts: Statement[]): void {
  for (const s of stmts) statement(lx, s);
}

export function statement(lx: Lowerer, s: Statement): void {
  if (!lx.b.cur) {
    // Code after a return/break: nothing to emit (TypeScript warns about it already).
    return;
  }
  lx.at(s, () => statementAt(lx, s));
}

function statementAt(lx: Lowerer, s: Statement): void {
  if (Node.isBlock(s)) return statements(lx, s.getStatements());
  if (Node.isEmptyStatement(s)) return;
  if (Node.isVariableStatement(s)) {
    for (const d of s.getDeclarations()) declaration(lx, d, s.getDeclarationKind() === 'const');
    return;
  }
  if (Node.isExpressionStatement(s)) return expressionStatement(lx, s.getExpression());
  if (Node.isIfStatement(s)) return ifStatement(lx, s);
  if (Node.isReturnStatement(s)) return returnStatement(lx, s.getExpression(), s);
  if (Node.isSwitchStatement(s)) return switchStatement(lx, s);
  if (Node.isForStatement(s)) return forStatement(lx, s);
  if (Node.isBreakStatement(s) || Node.isContinueStatement(s)) {
    if (s.getLabel()) {
      lx.report(codes.SY3002, 'labelled break/continue is not BPF-TS', s);
      return;
    }
    const isBreak = Node.isBreakStatement(s);
    const frame = [...lx.control].reverse().find((f) => isBreak || f.kind === 'loop');
    const to = frame && (isBreak ? frame.breakTo : frame.continueTo);
    if (!to) {
      lx.report(codes.SY3002, `${isBreak ? 'break' : 'continue'} outside a loop`, s);
      return;
    }
    lx.b.terminate({ op: 'jmp', target: to.id });
    return;
  }
  if (Node.isWhileStatement(s) || Node.isDoStatement(s) || Node.isForOfStatement(s) || Node.isForInStatement(s)) {
    lx.report(codes.SY3006, 'only `for` loops with a bound known at compile time: for (let i = 0; i < N; i++)', s);
    return;
  }
  if (Node.isFunctionDeclaration(s) || Node.isClassDeclaration(s)) {
    lx.report(codes.SY3003, 'functions are declared at the top level of a file (nested functions are closures)', s);
    return;
  }
  if (Node.isInterfaceDeclaration(s) || Node.isTypeAliasDeclaration(s)) return;
  lx.report(codes.SY3002, `${s.getKindName()} is not BPF-TS`, s);
}

/** The type a declaration states, if any. */
function declaredType(lx: Lowerer, d: VariableDeclaration): Type | undefined | null {
  const node = d.getTypeNode();
  if (!node) return undefined;
  return lx.c.types.fromNode(node) ?? null;
}

function declaration(lx: Lowerer, d: VariableDeclaration, isConst: boolean): void {
  if (!Node.isIdentifier(d.getNameNode())) {
    lx.report(codes.SY3002, 'destructuring is not BPF-TS', d);
    return;
  }
  const t = declaredType(lx, d);
  const poison = () => lx.bind(d, { k: 'poison' });
  if (t === null) return poison();
  const init = d.getInitializer();
  const name = d.getName();
  if (!init) {
    if (isConst) return poison();
    if (!t) {
      lx.report(codes.SY3027, `let ${name} needs a type`, d);
      return poison();
    }
    newVariable(lx, d, t, undefined, d);
    return;
  }
  const v = expr(lx, init, t);
  if (!v) return poison();
  if (isConst) {
    const bound = convertTo(lx, v, t, init);
    if (!bound) return poison();
    if (bound.k === 'ref' && !('slot' in bound.ref.base)) lx.b.fn.vregs[bound.ref.base.v]!.name = name;
    // A const that names a variable's register copies it: the variable may change later.
    if (bound.k === 'reg' && bound.shared) {
      lx.bind(d, { k: 'val', val: { k: 'reg', type: bound.type, v: lx.b.mov(bound.v, { name }), dirty: false } });
    } else if (bound.k === 'reg') {
      const clean = cleanVal(lx, bound);
      if (clean.k === 'reg') lx.b.fn.vregs[clean.v]!.name ??= name;
      lx.bind(d, { k: 'val', val: clean });
    } else if (t && bound.k === 'ref' && bound.type.kind === 'array' && bound.ref.region !== 'ctx' && (Node.isPropertyAccessExpression(init) || Node.isElementAccessExpression(init))) {
      // A FixedArray field read into a const declared with its type is a value, as a be32 is:
      // `const frontend: F['addr'] = f.daddr` keeps the address when f.daddr is rewritten later
      // (one source for both families). Without the type, the const names the field.
      const copy = stackObject(lx, bound.type, name);
      copyMem(lx, copy, bound.ref, sizeOf(bound.type));
      lx.bind(d, { k: 'val', val: { k: 'ref', type: bound.type, ref: copy, nullable: false } });
    } else {
      lx.bind(d, { k: 'val', val: bound });
    }
    return;
  }
  const type = t ?? valueType(v);
  if (!type) {
    lx.report(codes.SY3027, `let ${name} needs a type: ${describe(v)} has none of its own (e.g. let ${name}: u32 = ...)`, d);
    return poison();
  }
  newVariable(lx, d, type, v, init);
}

/** The type a `let` takes from its initializer when it declares none. */
function valueType(v: Val): Type | undefined {
  if (v.k === 'const' && v.type.kind === 'untyped') return undefined;
  if (v.k === 'const' || v.k === 'reg') return v.type;
  if (v.k === 'ref') return v.nullable ? { kind: 'ref', to: v.type, nullable: true } : v.type;
  return undefined;
}

/** `v` as a value of type `t` (undefined t: as it is). */
function convertTo(lx: Lowerer, v: Val, t: Type | undefined, node: Node): Val | undefined {
  if (!t) return v;
  if (isScalar(t)) {
    if (!isScalarVal(v)) {
      lx.report(codes.SY3026, `expected ${typeName(t)}, got ${describe(v)}`, node);
      return undefined;
    }
    return implicitConvert(lx, v, t, node);
  }
  const target = t.kind === 'ref' ? t.to : t;
  if (target.kind === 'struct' || target.kind === 'array') {
    if (v.k === 'null' && t.kind === 'ref' && t.nullable) return v;
    if (v.k !== 'ref' || typeName(v.type) !== typeName(target)) {
      lx.report(codes.SY3026, `expected ${typeName(t)}, got ${describe(v)}`, node);
      return undefined;
    }
    return v;
  }
  if (t.kind === 'ctx' && v.k === 'ctx') return v;
  lx.report(codes.SY3009, `variables of type ${typeName(t)} are not BPF-TS`, node);
  return undefined;
}

function newVariable(lx: Lowerer, d: VariableDeclaration, t: Type, init: Val | undefined, node: Node): void {
  const name = d.getName();
  if (t.kind === 'int' || t.kind === 'bool') {
    const v = lx.b.vreg({ name });
    lx.bind(d, { k: 'var', v, type: t });
    const value = init ? convertTo(lx, init, t, node) : { k: 'const' as const, type: t, value: 0n };
    if (value && isScalarVal(value)) assignVar(lx, v, value);
    return;
  }
  const to = t.kind === 'ref' ? t.to : t;
  if (to.kind !== 'struct' && to.kind !== 'array') {
    lx.report(codes.SY3009, `let ${name}: ${typeName(t)} is not BPF-TS`, d);
    return;
  }
  const value = init ? convertTo(lx, init, t, node) : { k: 'null' as const };
  if (!value) return;
  const region = value.k === 'ref' ? value.ref.region : 'unknown';
  const v = lx.b.vreg({ name, ptr: region });
  lx.bind(d, { k: 'ptrvar', v, type: to, region });
  if (value.k === 'ref') lx.b.emit({ op: 'mov', dst: v, src: pointerOf(lx, value.ref), w: 64 });
  else lx.b.emit({ op: 'mov', dst: v, src: { imm: 0n }, w: 64 });
}

function assignVar(lx: Lowerer, v: number, value: Extract<Val, { k: 'const' } | { k: 'reg' }>): void {
  if (value.k === 'const') lx.b.movConst(v, value.value);
  else lx.b.emit({ op: 'mov', dst: v, src: reg(lx, value), w: 64 });
}

const compound = onFirstUse((): Partial<Record<SyntaxKind, BinOp>> => ({
  [SyntaxKind.PlusEqualsToken]: '+',
  [SyntaxKind.MinusEqualsToken]: '-',
  [SyntaxKind.AsteriskEqualsToken]: '*',
  [SyntaxKind.SlashEqualsToken]: '/',
  [SyntaxKind.PercentEqualsToken]: '%',
  [SyntaxKind.AmpersandEqualsToken]: '&',
  [SyntaxKind.BarEqualsToken]: '|',
  [SyntaxKind.CaretEqualsToken]: '^',
  [SyntaxKind.LessThanLessThanEqualsToken]: '<<',
  [SyntaxKind.GreaterThanGreaterThanEqualsToken]: '>>',
  [SyntaxKind.GreaterThanGreaterThanGreaterThanEqualsToken]: '>>>',
}));

export function expressionStatement(lx: Lowerer, e: Expression): void {
  if (Node.isBinaryExpression(e)) {
    const kind = e.getOperatorToken().getKind();
    if (kind === SyntaxKind.EqualsToken) return assign(lx, e.getLeft(), undefined, e.getRight(), e);
    const op = compound()[kind];
    if (op) return assign(lx, e.getLeft(), op, e.getRight(), e);
  }
  if (Node.isPrefixUnaryExpression(e) || Node.isPostfixUnaryExpression(e)) {
    const t = e.getOperatorToken();
    if (t === SyntaxKind.PlusPlusToken || t === SyntaxKind.MinusMinusToken) {
      return assign(lx, e.getOperand(), t === SyntaxKind.PlusPlusToken ? '+' : '-', undefined, e);
    }
  }
  if (Node.isCallExpression(e)) {
    expr(lx, e);
    return;
  }
  lx.report(codes.SY3002, 'this expression does nothing: statements are assignments and calls', e);
}

/** `target = rhs`, `target op= rhs`, or `target++` (op with rhs undefined: 1). */
function assign(lx: Lowerer, target: Expression, op: BinOp | undefined, rhs: Expression | undefined, node: Node): void {
  const p = place(lx, target);
  if (!p) return;
  if ((p.k === 'mem' && p.readonly) || (p.k === 'ctxfield' && !p.writable)) {
    lx.report(codes.SY3044, `${target.getText()} is read-only`, target);
    return;
  }
  const type: Type = p.k === 'ptrvar' ? { kind: 'ref', to: p.type, nullable: true } : p.type;
  let value: Val | undefined;
  if (op) {
    const cur = readPlace(lx, p);
    const by = rhs ? scalarExpr(lx, rhs, isScalar(type) ? type : undefined) : { k: 'const' as const, type: { kind: 'untyped' as const }, value: 1n };
    if (!cur || !by || !isScalarVal(cur)) {
      if (cur && !isScalarVal(cur)) lx.report(codes.SY3026, `\`${op}=\` on ${describe(cur)}`, node);
      return;
    }
    value = arith(lx, op, cur, by, node);
  } else {
    value = expr(lx, rhs!, type);
  }
  if (!value) return;
  write(lx, p, value, rhs ?? node);
}

/** Stores a value into a place, converting scalars and copying structs. */
export function write(lx: Lowerer, p: Place, value: Val, node: Node): void {
  switch (p.k) {
    case 'var': {
      const c = convertTo(lx, value, p.type, node);
      if (c && isScalarVal(c)) assignVar(lx, p.v, c);
      return;
    }
    case 'ptrvar': {
      const c = convertTo(lx, value, { kind: 'ref', to: p.type, nullable: true }, node);
      if (!c) return;
      if (c.k === 'ref' && c.ref.region !== p.region && p.region !== 'unknown') {
        lx.report(codes.SY3026, `${p.name} points into ${p.region} memory; this value points into ${c.ref.region}`, node);
        return;
      }
      lx.b.emit({ op: 'mov', dst: p.v, src: c.k === 'ref' ? pointerOf(lx, c.ref) : { imm: 0n }, w: 64 });
      return;
    }
    case 'mem':
    case 'ctxfield': {
      const t = p.type;
      if (t.kind === 'struct' || t.kind === 'array') {
        const c = convertTo(lx, value, t, node);
        if (!c || c.k !== 'ref' || p.k !== 'mem') {
          if (c && p.k === 'ctxfield') lx.report(codes.SY3044, 'context arrays are written element by element', node);
          return;
        }
        copyMem(lx, p.ref, c.ref, sizeOf(t));
        return;
      }
      const c = convertTo(lx, value, t, node);
      if (!c || !isScalarVal(c)) return;
      // The store truncates to the field's size, so a lazily-normalised value needs no mask.
      storeScalar(lx, p, c.k === 'const' ? c.value : c.v);
      return;
    }
  }
}

function ifStatement(lx: Lowerer, s: Node & { getExpression(): Expression; getThenStatement(): Statement; getElseStatement(): Statement | undefined }): void {
  const cond = s.getExpression();
  const folded = foldCondition(lx, cond);
  if (folded !== undefined) {
    const taken = folded ? s.getThenStatement() : s.getElseStatement();
    if (taken) statement(lx, taken);
    return;
  }
  const then = lx.b.newBlock();
  const join = lx.b.newBlock();
  const otherwise = s.getElseStatement() ? lx.b.newBlock() : join;
  condition(lx, cond, then, otherwise);
  lx.b.setBlock(then);
  statement(lx, s.getThenStatement());
  if (lx.b.cur) lx.b.terminate({ op: 'jmp', target: join.id });
  const elseStmt = s.getElseStatement();
  if (elseStmt) {
    lx.b.setBlock(otherwise);
    statement(lx, elseStmt);
    if (lx.b.cur) lx.b.terminate({ op: 'jmp', target: join.id });
  }
  lx.b.setBlock(join);
}

export function returnStatement(lx: Lowerer, e: Expression | undefined, node: Node): void {
  // `return c ? a : b` is `if (c) return a; return b;`: each side returns its own constant, and
  // returns of the same constant share one exit.
  if (e && Node.isConditionalExpression(e) && foldCondition(lx, e.getCondition()) === undefined) {
    const yes = lx.b.newBlock();
    const no = lx.b.newBlock();
    condition(lx, e.getCondition(), yes, no);
    lx.b.setBlock(yes);
    returnStatement(lx, e.getWhenTrue(), node);
    lx.b.setBlock(no);
    returnStatement(lx, e.getWhenFalse(), node);
    return;
  }
  const t = lx.returnType;
  let value: Val | undefined = { k: 'void' };
  if (e) {
    const v = expr(lx, e, t);
    // After an error, still end the path here: "can end without returning" would only repeat it.
    value = v && convertTo(lx, v, t.kind === 'void' ? undefined : t, e);
  } else if (t.kind !== 'void') {
    lx.report(codes.SY3065, `return needs a ${typeName(t)} value`, node);
    value = undefined;
  }
  const operand = () => {
    if (!value || value.k === 'void' || value.k === 'null') return { imm: 0n };
    if (value.k === 'const') return lx.b.operand(value.value, 64);
    if (value.k === 'reg') return reg(lx, value);
    if (value.k === 'ref') return pointerOf(lx, value.ref);
    lx.report(codes.SY3026, `cannot return ${describe(value)}`, node);
    return { imm: 0n };
  };
  if (lx.inlineReturn) {
    const { block, v } = lx.inlineReturn;
    if (v !== undefined) lx.b.emit({ op: 'mov', dst: v, src: operand(), w: 64 });
    lx.b.terminate({ op: 'jmp', target: block.id });
    return;
  }
  lx.b.terminate({ op: 'ret', value: operand() });
}

function switchStatement(lx: Lowerer, s: Node & { getExpression(): Expression; getClauses(): Node[] }): void {
  const raw = scalarExpr(lx, s.getExpression());
  if (!raw) return;
  const v = cleanVal(lx, raw) as Extract<Val, { k: 'const' } | { k: 'reg' }>;
  const clauses = s.getClauses();
  const exit = lx.b.newBlock();
  const bodies: Block[] = clauses.map(() => lx.b.newBlock());
  const known = v.k === 'const';
  let defaultIndex = -1;
  // The dispatch: a compare per case (folded away entirely for a constant discriminant).
  clauses.forEach((c, i) => {
    if (Node.isDefaultClause(c)) {
      defaultIndex = i;
      return;
    }
    if (!Node.isCaseClause(c) || !lx.b.cur) return;
    const label = constantOf(lx, c.getExpression());
    if (!label) {
      lx.report(codes.SY3046, 'case labels are compile-time constants', c.getExpression());
      return;
    }
    if (known) {
      if (label.value === v.value) lx.b.terminate({ op: 'jmp', target: bodies[i]!.id });
      return;
    }
    const next = lx.b.newBlock();
    emitCompare(lx, '==', v, label, bodies[i]!, next, c);
    lx.b.setBlock(next);
  });
  if (lx.b.cur) lx.b.terminate({ op: 'jmp', target: (defaultIndex >= 0 ? bodies[defaultIndex]! : exit).id });
  lx.control.push({ kind: 'switch', breakTo: exit });
  clauses.forEach((c, i) => {
    lx.b.setBlock(bodies[i]);
    statements(lx, (c as Node & { getStatements(): Statement[] }).getStatements());
    // Falls through to the next clause, as in C (TypeScript flags a non-empty fall-through).
    if (lx.b.cur) lx.b.terminate({ op: 'jmp', target: (bodies[i + 1] ?? exit).id });
  });
  lx.control.pop();
  lx.b.setBlock(exit);
}
