// Object literals: `{ addr: ip.daddr, port: tcp.dest, proto: IPPROTO_TCP, _pad: 0 }` builds a
// struct in a fresh stack slot. Constant fields are merged into word-sized immediate stores,
// unnamed bytes are zero, `...zeroed<T>()` says "everything else zero" and `...other` starts
// from a copy. The type comes from the context (a declared variable, a parameter, a map key).

import type { Expression, ObjectLiteralExpression } from 'ts-morph';
import { Node } from './ts-morph.ts';
import { codes } from '../codes.ts';
import type { MemSize, VReg } from '../ir/ir.ts';
import { fieldOf } from './layout.ts';
import { describe, expr } from './lower-expr.ts';
import type { Lowerer } from './lowerer.ts';
import { copyMem, initObject, stackObject } from './memory.ts';
import { implicitConvert, isScalarVal } from './arith.ts';
import { sizeOf, typeName, type ArrayType, type MemType, type StructType, type Type } from './types.ts';
import type { Ref, Val } from './values.ts';

interface Image {
  consts: Uint8Array;
  write: Uint8Array;
  regs: { off: number; size: MemSize; v: VReg }[];
  copies: { off: number; src: Ref; size: number }[];
}

export function objectLiteral(lx: Lowerer, node: ObjectLiteralExpression, expected?: Type): Val | undefined {
  const t = expected?.kind === 'ref' ? expected.to : expected;
  if (!t || t.kind !== 'struct') {
    lx.report(codes.SY3009, 'an object literal needs a struct type from its context: `const k: Key = { ... }`', node);
    return undefined;
  }
  const size = sizeOf(t);
  const img: Image = { consts: new Uint8Array(size), write: new Uint8Array(size).fill(1), regs: [], copies: [] };
  if (!collectStruct(lx, node, t, 0, img)) return undefined;
  const parent = node.getParent();
  const dst = stackObject(lx, t, Node.isVariableDeclaration(parent) ? parent.getName() : `${t.name} literal`);
  for (const c of img.copies) copyMem(lx, { ...dst, off: c.off }, c.src, c.size);
  initObject(lx, dst, size, img.consts, img.write, img.regs);
  return { k: 'ref', type: t, ref: dst, nullable: false };
}

function collectStruct(lx: Lowerer, node: ObjectLiteralExpression, t: StructType, base: number, img: Image): boolean {
  let ok = true;
  for (const p of node.getProperties()) {
    if (Node.isSpreadAssignment(p)) {
      const e = p.getExpression();
      if (Node.isCallExpression(e) && e.getExpression().getText() === 'zeroed') continue; // zero is the default
      const v = expr(lx, e, t);
      if (!v || v.k !== 'ref' || v.type.kind !== 'struct' || v.type.name !== t.name) {
        lx.report(codes.SY3026, `spread a ${t.name} (or zeroed<${t.name}>()), not ${v ? describe(v) : 'this'}`, p);
        ok = false;
        continue;
      }
      img.copies.push({ off: base, src: v.ref, size: t.size });
      img.write.fill(0, base, base + t.size);
      continue;
    }
    let name: string;
    let init: Expression;
    if (Node.isPropertyAssignment(p)) {
      name = p.getName();
      init = p.getInitializerOrThrow();
    } else if (Node.isShorthandPropertyAssignment(p)) {
      name = p.getName();
      init = p.getNameNode();
    } else {
      lx.report(codes.SY3002, 'object literals hold `field: value` pairs only', p);
      ok = false;
      continue;
    }
    const f = fieldOf(t, name);
    if (!f) {
      lx.report(codes.SY3010, `${t.name} has no field ${name}`, p);
      ok = false;
      continue;
    }
    ok = collectValue(lx, init, f.type, base + f.offset, img) && ok;
  }
  return ok;
}

function collectValue(lx: Lowerer, init: Expression, t: MemType, off: number, img: Image): boolean {
  if (t.kind === 'struct' && Node.isObjectLiteralExpression(init)) {
    img.write.fill(1, off, off + t.size);
    return collectStruct(lx, init, t, off, img);
  }
  if (t.kind === 'array' && Node.isArrayLiteralExpression(init)) return collectArray(lx, init.getElements(), t, off, img, init);
  const v = expr(lx, init, t);
  if (!v) return false;
  if (t.kind === 'struct' || t.kind === 'array') {
    if (v.k !== 'ref' || typeName(v.type) !== typeName(t)) {
      lx.report(codes.SY3026, `expected a ${typeName(t)}, got ${describe(v)}`, init);
      return false;
    }
    img.copies.push({ off, src: v.ref, size: sizeOf(t) });
    img.write.fill(0, off, off + sizeOf(t));
    return true;
  }
  if (!isScalarVal(v)) {
    lx.report(codes.SY3026, `expected ${typeName(t)}, got ${describe(v)}`, init);
    return false;
  }
  const c = implicitConvert(lx, v, t, init);
  if (!c) return false;
  const n = sizeOf(t) as MemSize;
  if (c.k === 'const') {
    // The register's value, stored little-endian, is the memory image (be types hold wire order).
    let x = BigInt.asUintN(n * 8, c.value);
    for (let i = 0; i < n; i++, x >>= 8n) img.consts[off + i] = Number(x & 0xffn);
    img.write.fill(1, off, off + n);
  } else {
    img.regs.push({ off, size: n, v: c.v });
  }
  return true;
}

function collectArray(lx: Lowerer, elems: Expression[], t: ArrayType, off: number, img: Image, node: Node): boolean {
  if (elems.length > t.length) {
    lx.report(codes.SY3042, `${elems.length} elements for a ${typeName(t)}`, node);
    return false;
  }
  const es = sizeOf(t.elem);
  img.write.fill(1, off, off + es * t.length);
  return elems.map((e, i) => collectValue(lx, e, t.elem, off + i * es, img)).every(Boolean);
}
