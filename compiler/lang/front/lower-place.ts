// Places: what an access expression names, for reading and writing. A variable's register, a
// pointer variable, bytes in memory (struct fields, array elements at constant indices, or at a
// self-bounded run-time index: lower-index.ts), or a context field, which must be reached at its
// exact offset from the context register.

import type { Expression } from 'ts-morph';
import { Node } from './ts-morph.ts';
import { codes } from '../codes.ts';
import { contexts } from './context.ts';
import { fieldOf } from './layout.ts';
import { describe, expr, scalarExpr } from './lower-expr.ts';
import type { Lowerer } from './lowerer.ts';
import { variableElementPlace } from './lower-index.ts';
import { loadScalar, offsetRef } from './memory.ts';
import { sizeOf, type MemType } from './types.ts';
import type { Place, Ref, Val } from './values.ts';

/** The place an access expression names (for reads and writes). */
export function place(lx: Lowerer, node: Expression): Place | undefined {
  if (Node.isParenthesizedExpression(node)) return place(lx, node.getExpression());
  if (Node.isIdentifier(node)) {
    const ent = lx.c.entity(node);
    const b = ent.k === 'local' ? lx.env.get(ent.decl) : undefined;
    if (b?.k === 'var') return { k: 'var', v: b.v, type: b.type, name: node.getText() };
    if (b?.k === 'ptrvar') return { k: 'ptrvar', v: b.v, type: b.type, region: b.region, name: node.getText() };
    if (b?.k === 'poison') return undefined;
    lx.report(codes.SY3044, `${node.getText()} cannot be assigned (a const, a parameter bound to its argument, or not a variable)`, node);
    return undefined;
  }
  if (Node.isPropertyAccessExpression(node)) {
    const base = expr(lx, node.getExpression());
    return base && placeOn(lx, base, node);
  }
  if (Node.isElementAccessExpression(node)) {
    const base = expr(lx, node.getExpression());
    if (!base) return undefined;
    const idxNode = node.getArgumentExpression();
    const idx = idxNode && scalarExpr(lx, idxNode);
    if (!idx) return undefined;
    if (idx.k !== 'const' && base.k === 'ref' && base.type.kind === 'array') {
      return variableElementPlace(lx, base.ref, base.type.elem, base.type.length, idx, idxNode!);
    }
    if (idx.k !== 'const') {
      lx.report(codes.SY3043, 'an array index must be a compile-time constant (or the variable of a for loop, which is then unrolled)', idxNode!);
      return undefined;
    }
    if (base.k === 'ctx') {
      lx.report(codes.SY3002, 'index a context field, e.g. ctx.cb[0]', node);
      return undefined;
    }
    const arr = base.k === 'ref' && base.type.kind === 'array' ? base.type : undefined;
    if (!arr) {
      lx.report(codes.SY3026, `only fixed arrays can be indexed, not ${describe(base)}`, node);
      return undefined;
    }
    return elementPlace(lx, (base as { ref: Ref }).ref, arr.elem, arr.length, idx.value, node, false);
  }
  if (Node.isCallExpression(node)) {
    lx.report(codes.SY3044, 'a call result cannot be assigned to', node);
    return undefined;
  }
  lx.report(codes.SY3002, `\`${node.getText()}\` is not a place that can be read or written`, node);
  return undefined;
}

function elementPlace(lx: Lowerer, ref: Ref, elem: MemType, length: number, index: bigint, node: Node, readonly: boolean): Place | undefined {
  if (index < 0n || index >= BigInt(length)) {
    lx.report(codes.SY3042, `index ${index} is outside 0..${length - 1}`, node);
    return undefined;
  }
  return { k: 'mem', ref: offsetRef(ref, Number(index) * sizeOf(elem)), type: elem, readonly };
}

/** `base.name` as a place: a struct field or a context field. */
export function placeOn(lx: Lowerer, base: Val, node: Node & { getName(): string }): Place | undefined {
  const name = node.getName();
  if (base.k === 'ctx') {
    const f = contexts[base.ctx].fields[name];
    if (!f) {
      lx.report(codes.SY3002, `${contexts[base.ctx].typeName}.${name} is not a field (methods are called)`, node);
      return undefined;
    }
    return { k: 'ctxfield', v: base.v, off: f.offset, size: f.size, type: f.type, writable: f.writable, name };
  }
  if (base.k === 'ref' && base.type.kind === 'struct') {
    const f = fieldOf(base.type, name);
    if (!f) {
      lx.report(codes.SY3010, `${base.type.name} has no field ${name}`, node);
      return undefined;
    }
    return { k: 'mem', ref: offsetRef(base.ref, f.offset), type: f.type, readonly: f.readonly };
  }
  lx.report(codes.SY3026, `\`.${name}\` on ${describe(base)}`, node);
  return undefined;
}

/** Reads a place: scalars are loaded, structs and arrays stay references. */
export function readPlace(lx: Lowerer, p: Place | undefined): Val | undefined {
  if (!p) return undefined;
  switch (p.k) {
    case 'var':
      return { k: 'reg', type: p.type, v: p.v, dirty: false, shared: true };
    case 'ptrvar':
      return { k: 'ref', type: p.type, ref: { base: { v: p.v }, off: 0, region: p.region }, nullable: true };
    case 'mem':
      if (p.type.kind === 'struct' || p.type.kind === 'array') return { k: 'ref', type: p.type, ref: p.ref, nullable: false };
      return loadScalar(lx, p);
    case 'ctxfield':
      if (p.type.kind === 'array') {
        // Context arrays (cb, user_ip6) are read element by element: keep the field's base.
        return { k: 'ref', type: p.type, ref: { base: { v: p.v }, off: p.off, region: 'ctx' }, nullable: false };
      }
      return loadScalar(lx, p);
  }
}

