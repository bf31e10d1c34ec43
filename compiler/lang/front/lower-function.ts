// Functions: a program's entry (the context arrives in r1), calls to user functions inlined at
// the call site, or made BPF-to-BPF calls to a subprogram where that saves size (called from
// several places and not small; `@inline` / `@noinline` tags decide explicitly).

import type { CallExpression, Expression, FunctionDeclaration, ParameterDeclaration } from 'ts-morph';
import { Node, SyntaxKind } from './ts-morph.ts';
import { codes } from '../codes.ts';
import { FnBuilder } from '../ir/builder.ts';
import { cleanVal, implicitConvert, isScalarVal, reg } from './arith.ts';
import type { Compilation } from './compilation.ts';
import { contexts, sections } from './context.ts';
import type { IrFunction, Operand, VReg } from '../ir/ir.ts';
import { familyVersions, instantiate, type Instance } from './generics.ts';
import { describe, expr } from './lower-expr.ts';
import { Lowerer } from './lowerer.ts';
import { pointerOf } from './memory.ts';
import { statements } from './lower-stmt.ts';
import { simplify } from '../ir/simplify.ts';
import { declarationOf } from './resolve-type.ts';
import { isScalar, typeName, type ContextKind, type Type } from './types.ts';
import type { Val } from './values.ts';

/** Instructions a subprogram must save before it is preferred: inlined code runs faster. */
export const INLINE_BIAS = 4;

/**
 * The subprograms of the programs of one context type, each lowered once for that type. A
 * function used from two context types becomes two subprograms: `name` and `name_<ctx>`.
 */
export class ProgramUnit {
  /** By instance key (generics.ts): a generic function has one subprogram per instance. */
  readonly subprograms = new Map<string, { fn?: IrFunction; movesPacket: boolean }>();
  /** Call sites of each function instance in the code of the program being lowered (set per program). */
  callCounts: ReadonlyMap<string, number> = new Map();

  constructor(
    readonly c: Compilation,
    readonly ctxKind: ContextKind,
    private readonly names: Map<string, ContextKind>,
  ) {}

  nameOf(inst: Instance): string {
    const first = this.names.get(inst.key) ?? (this.names.set(inst.key, this.ctxKind), this.ctxKind);
    return first === this.ctxKind ? inst.name : `${inst.name}_${this.ctxKind}`;
  }
}

const units = new WeakMap<Lowerer, ProgramUnit>();

export function lowerProgram(unit: ProgramUnit, decl: FunctionDeclaration, section: string): IrFunction | undefined {
  const c = unit.c;
  const info = sections[section];
  if (!info) return undefined;
  const params = decl.getParameters();
  const ctxType = params.length === 1 ? paramType(c, params[0]!) : undefined;
  if (!ctxType || ctxType.kind !== 'ctx' || ctxType.ctx !== info.ctx) {
    c.report(codes.SY3060, `program ${decl.getName()}: section ${section} takes one parameter, the context (${contexts[info.ctx].typeName})`, decl.getNameNode() ?? decl);
    return undefined;
  }
  const ret = returnTypeOf(c, decl);
  if (!ret || ret.kind !== 'int') {
    c.report(codes.SY3060, `program ${decl.getName()} returns an integer (u32 for XDP, i32 for tc, ...): annotate it`, decl.getNameNode() ?? decl);
    return undefined;
  }
  const b = new FnBuilder({ name: decl.getName()!, kind: 'program', section, ctx: info.ctx, paramCount: 1, loc: c.loc(decl) });
  const lx = new Lowerer(c, b, info.ctx, ret);
  units.set(lx, unit);
  lx.at(decl, () => {
    const ctx = lx.receiveContext();
    lx.bind(params[0]!, { k: 'val', val: { k: 'ctx', v: ctx, ctx: info.ctx } });
  });
  body(lx, decl);
  return b.finish(c.diags.hasErrors);
}

function body(lx: Lowerer, decl: FunctionDeclaration): void {
  statements(lx, decl.getBody()?.asKind(SyntaxKind.Block)?.getStatements() ?? []);
  if (lx.b.cur) {
    if (lx.returnType.kind === 'void') lx.b.terminate({ op: 'ret', value: { imm: 0n } });
    else {
      lx.report(codes.SY3065, `${decl.getName()} can end without returning a ${typeName(lx.returnType)}`, decl.getNameNode() ?? decl);
      lx.b.terminate({ op: 'ret', value: { imm: 0n } });
    }
  }
}

function paramType(c: Compilation, p: ParameterDeclaration): Type | undefined {
  const node = p.getTypeNode();
  if (!node) {
    c.report(codes.SY3009, `parameter ${p.getName()} needs a type`, p);
    return undefined;
  }
  // Context-generic code takes a union of contexts (XdpMd | SkBuff): a context all the same,
  // and the program's own context type is the one that counts when the body is lowered.
  const parts = node.getText().split('|').map((s) => s.trim());
  if (parts.length > 1 && parts.every((p) => ['XdpMd', 'SkBuff', 'SockAddr', 'Sock'].includes(p))) return { kind: 'ctx', ctx: 'xdp' };
  return c.types.fromNode(node);
}

function returnTypeOf(c: Compilation, decl: FunctionDeclaration): Type | undefined {
  const node = decl.getReturnTypeNode();
  if (!node) {
    c.report(codes.SY3009, `${decl.getName()} needs a return type annotation`, decl.getNameNode() ?? decl);
    return undefined;
  }
  return c.types.fromNode(node);
}

/** Whether `decl` assigns the parameter anywhere (then it needs a register of its own). */
function assigned(decl: FunctionDeclaration, p: ParameterDeclaration): boolean {
  return (decl.getBody()?.getDescendants() ?? []).some((n) => {
    if (Node.isBinaryExpression(n)) {
      const k = n.getOperatorToken().getKind();
      return k >= SyntaxKind.FirstAssignment && k <= SyntaxKind.LastAssignment && Node.isIdentifier(n.getLeft()) && declarationOf(n.getLeft()) === p;
    }
    if (Node.isPrefixUnaryExpression(n) || Node.isPostfixUnaryExpression(n)) {
      const o = n.getOperand();
      return Node.isIdentifier(o) && declarationOf(o) === p;
    }
    return false;
  });
}

function tag(decl: FunctionDeclaration, name: string): boolean {
  return decl.getJsDocs().some((d) => d.getTags().some((t) => t.getTagName() === name));
}

/**
 * `@inline` / `@noinline` for this instance: a tag naming an IP version (`@noinline 6`) holds
 * for that family's instance only (IPv6's larger keys may need a stack frame of their own where
 * IPv4's code is better inlined).
 */
function instanceTag(inst: Instance, name: string): boolean {
  const tags = inst.decl.getJsDocs().flatMap((d) => d.getTags()).filter((t) => t.getTagName() === name);
  return tags.some((t) => {
    const only = t.getCommentText()?.trim().split(/\s+/)[0];
    return !only || familyVersions(inst.fixed).includes(only);
  });
}


/**
 * Inline, or a BPF-to-BPF call? Tags decide first. Otherwise the function is lowered once as a
 * subprogram to learn its size N (in IR instructions, after clean-up), and the cheaper wins:
 * `calls` inlined copies of its body, or one body plus a call and argument moves per site.
 */
function shouldInline(unit: ProgramUnit, inst: Instance, ret: Type): boolean {
  const decl = inst.decl;
  if (instanceTag(inst, 'inline')) return true;
  // References returned from a subprogram could point into its own (dead) frame.
  if (ret.kind === 'ref' || ret.kind === 'struct' || ret.kind === 'array') return true;
  if (instanceTag(inst, 'noinline')) return false;
  const params = runtimeParams(inst).length;
  if (params > 5) return true;
  const calls = unit.callCounts.get(inst.key) ?? 0;
  if (calls <= 1) return true;
  const known = unit.subprograms.get(inst.key);
  if (known && !known.fn) return true; // being lowered: recursion, reported by the caller
  const reported = unit.c.diags.items.length;
  const entry = ensureSubprogram(unit, inst);
  if (!entry?.fn) return true;
  const n = entry.fn.blocks.reduce((k, b) => k + b.insts.length + 1, 0);
  const body = Math.max(n - params - 1, 1);
  const inline = calls * body < n + calls * (1 + params) + INLINE_BIAS;
  // Its diagnostics come again from each inlined copy: keep one set.
  if (inline) unit.c.diags.items.length = reported;
  return inline;
}

/** A call to a user function (one instance of it, generics.ts): inlined, or a BPF-to-BPF call. */
export function callFunction(lx: Lowerer, decl: FunctionDeclaration, argNodes: Expression[], node: CallExpression): Val | undefined {
  const call = prepareCall(lx, decl, argNodes, node);
  if (!call) return undefined;
  const { unit, inst } = call;
  return lx.c.types.withBindings(inst.bindings, () => {
    const ready = lowerArgs(lx, call);
    if (!ready) return undefined;
    if (shouldInline(unit, inst, ready.ret)) return inline(lx, inst, ready.args, ready.ret);
    const n = runtimeParams(inst).length;
    if (n > 5) {
      lx.report(codes.SY3066, `${decl.getName()} has ${n} parameters; a BPF-to-BPF call passes at most five`, node);
      return undefined;
    }
    return subprogramCall(lx, unit, inst, ready.args, ready.ret);
  });
}

interface PreparedCall {
  readonly unit: ProgramUnit;
  readonly inst: Instance;
  readonly argNodes: Expression[];
}

/** The instance a call reaches, after the checks every call gets (argument count, recursion). */
function prepareCall(lx: Lowerer, decl: FunctionDeclaration, argNodes: Expression[], node: CallExpression): PreparedCall | undefined {
  const unit = units.get(lx);
  if (!unit) {
    lx.report(codes.SY3046, `${decl.getName()}() is not a compile-time constant`, node);
    return undefined;
  }
  const params = decl.getParameters();
  if (argNodes.length !== params.length) {
    lx.report(codes.SY3062, `${decl.getName()} takes ${params.length} argument(s), got ${argNodes.length}`, node);
    return undefined;
  }
  const inst = instantiate(lx, decl, node, argNodes);
  if (!inst) return undefined;
  if (lx.inlineStack.includes(decl) || unit.subprograms.get(inst.key)?.fn === undefined && unit.subprograms.has(inst.key)) {
    lx.report(codes.SY3005, `${decl.getName()} calls itself (directly or not): recursion is not BPF-TS`, node);
    return undefined;
  }
  return { unit, inst, argNodes };
}

/** The return type and the argument values (compile-time ones as they are); with the instance's bindings active. */
function lowerArgs(lx: Lowerer, call: PreparedCall): { ret: Type; args: Val[] } | undefined {
  const { inst, argNodes } = call;
  const ret = returnTypeOf(lx.c, inst.decl);
  if (!ret) return undefined;
  const params = inst.decl.getParameters();
  const args: Val[] = [];
  for (let i = 0; i < params.length; i++) {
    const fixed = inst.fixed.get(i);
    if (fixed) {
      args.push(fixed);
      continue;
    }
    const t = paramType(lx.c, params[i]!);
    if (!t) return undefined;
    const v = expr(lx, argNodes[i]!, t);
    if (!v) return undefined;
    const a = convertArg(lx, v, t, argNodes[i]!);
    if (!a) return undefined;
    args.push(a);
  }
  return { ret, args };
}

/**
 * A call used as a condition, to an `@inline` function whose body is `return <condition>`: the
 * condition branches where the call is, with no 0/1 in between (`if (fam.hasOptions(f))` costs
 * what `if (f.ihl > 5)` does). Undefined when the call is not one of those (lower it as a value).
 */
export function inlineCondition(lx: Lowerer, decl: FunctionDeclaration, argNodes: Expression[], node: CallExpression, branch: (e: Expression) => void): boolean | undefined {
  const stmts = decl.getBody()?.asKind(SyntaxKind.Block)?.getStatements() ?? [];
  const ret = stmts.length === 1 ? stmts[0]!.asKind(SyntaxKind.ReturnStatement)?.getExpression() : undefined;
  if (!ret || !tag(decl, 'inline') || decl.getReturnTypeNode()?.getText() !== 'bool') return undefined;
  const call = prepareCall(lx, decl, argNodes, node);
  if (!call) return false;
  return lx.c.types.withBindings(call.inst.bindings, () => {
    const ready = lowerArgs(lx, call);
    if (!ready) return false;
    bindParams(lx, call.inst, ready.args);
    lx.inlineStack.push(decl);
    branch(ret);
    lx.inlineStack.pop();
    return true;
  });
}

/** An inlined body's parameters: values as they are, or registers of their own where the body assigns them. */
function bindParams(lx: Lowerer, inst: Instance, args: Val[]): void {
  const decl = inst.decl;
  const params = decl.getParameters();
  params.forEach((p, i) => {
    const a = args[i]!;
    if (a.k === 'reg' || a.k === 'const') {
      if (assigned(decl, p)) {
        const v = lx.b.vreg({ name: p.getName() });
        if (a.k === 'const') lx.b.movConst(v, a.value);
        else lx.b.emit({ op: 'mov', dst: v, src: reg(lx, a), w: 64 });
        lx.bind(p, { k: 'var', v, type: a.type.kind === 'untyped' ? { kind: 'int', name: 'u64', bits: 64, signed: false, be: false } : a.type });
      } else {
        lx.bind(p, { k: 'val', val: cleanVal(lx, a) });
      }
    } else if (a.k === 'ref' && assigned(decl, p)) {
      const v = lx.b.vreg({ name: p.getName(), ptr: a.ref.region });
      lx.b.emit({ op: 'mov', dst: v, src: pointerOf(lx, a.ref), w: 64 });
      lx.bind(p, { k: 'ptrvar', v, type: a.type, region: a.ref.region });
    } else {
      lx.bind(p, { k: 'val', val: a });
    }
  });
}

/** The parameters passed at run time (in r1..r5): those without a compile-time argument. */
function runtimeParams(inst: Instance): ParameterDeclaration[] {
  return inst.decl.getParameters().filter((_, i) => !inst.fixed.has(i));
}

function convertArg(lx: Lowerer, v: Val, t: Type, node: Node): Val | undefined {
  if (isScalar(t)) return isScalarVal(v) ? implicitConvert(lx, v, t, node) : (lx.report(codes.SY3062, `expected ${typeName(t)}, got ${describe(v)}`, node), undefined);
  if (t.kind === 'ctx') return v.k === 'ctx' ? v : (lx.report(codes.SY3062, `expected the context, got ${describe(v)}`, node), undefined);
  const to = t.kind === 'ref' ? t.to : t;
  if (v.k === 'null' && t.kind === 'ref') return v;
  if ((to.kind === 'struct' || to.kind === 'array') && v.k === 'ref' && typeName(v.type) === typeName(to)) return v;
  lx.report(codes.SY3062, `expected ${typeName(t)}, got ${describe(v)}`, node);
  return undefined;
}

function inline(lx: Lowerer, inst: Instance, args: Val[], ret: Type): Val | undefined {
  const decl = inst.decl;
  const saved = { control: lx.control, inlineReturn: lx.inlineReturn, returnType: lx.returnType };
  bindParams(lx, inst, args);
  const exit = lx.b.newBlock();
  const v = ret.kind === 'void' ? undefined : lx.b.vreg({ name: `${decl.getName()}()`, ptr: ret.kind === 'ref' ? 'unknown' : undefined });
  lx.control = [];
  lx.inlineReturn = { block: exit, v };
  lx.returnType = ret;
  lx.inlineStack.push(decl);
  statements(lx, decl.getBody()?.asKind(SyntaxKind.Block)?.getStatements() ?? []);
  if (lx.b.cur) {
    if (ret.kind !== 'void') lx.report(codes.SY3065, `${decl.getName()} can end without returning a ${typeName(ret)}`, decl.getNameNode() ?? decl);
    lx.b.terminate({ op: 'jmp', target: exit.id });
  }
  lx.inlineStack.pop();
  Object.assign(lx, saved);
  lx.b.setBlock(exit);
  if (v === undefined) return { k: 'void' };
  if (ret.kind === 'int' || ret.kind === 'bool') return { k: 'reg', type: ret, v, dirty: false };
  const to = ret.kind === 'ref' ? ret.to : ret;
  if (to.kind !== 'struct' && to.kind !== 'array') return undefined;
  return { k: 'ref', type: to, ref: { base: { v }, off: 0, region: 'unknown' }, nullable: ret.kind === 'ref' && ret.nullable };
}

function subprogramCall(lx: Lowerer, unit: ProgramUnit, inst: Instance, args: Val[], ret: Type): Val | undefined {
  const entry = ensureSubprogram(unit, inst);
  if (!entry?.fn) return undefined;
  const argv: Operand[] = args.filter((_, i) => !inst.fixed.has(i)).map((a) => {
    if (a.k === 'const') return lx.b.operand(a.value, 64);
    if (a.k === 'reg') return reg(lx, a);
    if (a.k === 'ref') return pointerOf(lx, a.ref);
    if (a.k === 'ctx') return a.v;
    return { imm: 0n };
  });
  const dst: VReg = lx.b.vreg({ name: `${inst.decl.getName()}()` });
  const name = unit.nameOf(inst);
  lx.calls.add(name);
  lx.b.emit({ op: 'calllocal', fn: name, args: argv, argCount: 0, dst });
  if (entry.movesPacket) lx.reloadPacket();
  if (ret.kind === 'int' || ret.kind === 'bool') return { k: 'reg', type: ret, v: dst, dirty: false };
  return { k: 'void' };
}

function ensureSubprogram(unit: ProgramUnit, inst: Instance): { fn?: IrFunction; movesPacket: boolean } | undefined {
  const known = unit.subprograms.get(inst.key);
  if (known) return known;
  const c = unit.c;
  const decl = inst.decl;
  const entry: { fn?: IrFunction; movesPacket: boolean } = { movesPacket: false };
  unit.subprograms.set(inst.key, entry);
  return c.types.withBindings(inst.bindings, () => {
    const ret = returnTypeOf(c, decl);
    if (!ret) return undefined;
    const fn = lowerSubprogram(unit, inst, ret);
    if (!fn) return undefined;
    entry.fn = fn.fn;
    entry.movesPacket = fn.movesPacket;
    return entry;
  });
}

function lowerSubprogram(unit: ProgramUnit, inst: Instance, ret: Type): { fn: IrFunction; movesPacket: boolean } | undefined {
  const c = unit.c;
  const decl = inst.decl;
  const params = decl.getParameters();
  const b = new FnBuilder({ name: unit.nameOf(inst), kind: 'subprogram', ctx: unit.ctxKind, paramCount: runtimeParams(inst).length, loc: c.loc(decl) });
  const lx = new Lowerer(c, b, unit.ctxKind, ret);
  units.set(lx, unit);
  let ok = true;
  let r = 0;
  lx.at(decl, () =>
    params.forEach((p, i) => {
      const fixed = inst.fixed.get(i);
      if (fixed) return lx.bind(p, { k: 'val', val: fixed });
      const t = paramType(c, p);
      if (!t) return (ok = false);
      const v = lx.b.vreg({ name: p.getName() });
      lx.b.emit({ op: 'mov', dst: v, src: ++r, w: 64 });
      if (t.kind === 'ctx') {
        lx.ctxReg = v;
        lx.b.fn.vregs[v]!.ptr = 'ctx';
        lx.bind(p, { k: 'val', val: { k: 'ctx', v, ctx: unit.ctxKind } });
      } else if (isScalar(t)) {
        lx.bind(p, assigned(decl, p) ? { k: 'var', v, type: t } : { k: 'val', val: { k: 'reg', type: t, v, dirty: false } });
      } else {
        const to = t.kind === 'ref' ? t.to : t;
        if (to.kind !== 'struct' && to.kind !== 'array') return (ok = false);
        lx.b.fn.vregs[v]!.ptr = 'unknown';
        lx.bind(p, assigned(decl, p)
          ? { k: 'ptrvar', v, type: to, region: 'unknown' }
          : { k: 'val', val: { k: 'ref', type: to, ref: { base: { v }, off: 0, region: 'unknown' }, nullable: t.kind === 'ref' && t.nullable } });
      }
      return true;
    }),
  );
  if (!ok) return undefined;
  body(lx, decl);
  const fn = b.finish(c.diags.hasErrors);
  simplify(fn);
  return { fn, movesPacket: lx.movesPacket };
}

/** The subprograms `main` reaches through BPF-to-BPF calls, in the order first called. */
export function subprogramsOf(unit: ProgramUnit, main: IrFunction): IrFunction[] {
  const byName = new Map([...unit.subprograms.values()].flatMap((e) => (e.fn ? [[e.fn.name, e.fn] as const] : [])));
  const order: IrFunction[] = [];
  const visit = (fn: IrFunction) => {
    for (const b of fn.blocks) {
      for (const i of b.insts) {
        if (i.op !== 'calllocal') continue;
        const callee = byName.get(i.fn);
        if (callee && !order.includes(callee)) {
          order.push(callee);
          visit(callee);
        }
      }
    }
  };
  visit(main);
  return order;
}

/** Names of the subprograms (of any unit) that may move packet data, for checkPacketPointers. */
export function movingSubprograms(units: Iterable<ProgramUnit>): Set<string> {
  const out = new Set<string>();
  for (const u of units) for (const e of u.subprograms.values()) if (e.fn && e.movesPacket) out.add(e.fn.name);
  return out;
}
