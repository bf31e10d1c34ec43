// Calls: intrinsics (casts, byte order, sizeof, copy/zero/equal, checksums, zeroed), kernel
// helpers typed by bpf-helpers.d.ts, map methods (lower-map.ts), context methods
// (header, checksum updates), and user functions (inlined or BPF-to-BPF, lower-function.ts).

import type { CallExpression, Expression, FunctionDeclaration } from 'ts-morph';
import { Node } from './ts-morph.ts';
import { codes } from '../codes.ts';
import { explicitCast, implicitConvert, isScalarVal, reg } from './arith.ts';
import { ctxCsumReplace, csumReplace } from './checksum.ts';
import { helperId } from '../../../format/bpf-helpers.ts';
import { helperRules } from './helpers.ts';
import type { Block, Operand } from '../ir/ir.ts';
import { boolFromBranches, describe, expr, scalarExpr } from './lower-expr.ts';
import { callFunction } from './lower-function.ts';
import type { Lowerer } from './lowerer.ts';
import { addrOf, copyMem, equalMem, pointerOf, stackObject, zeroMem } from './memory.ts';
import { header } from './packet.ts';
import { boolType, byteSwap, ints, isIntName, sizeOf, typeName, untypedInt, type IntType, type MemType, type Type } from './types.ts';
import { mapMethod } from './lower-map.ts';
import type { Ref, Val } from './values.ts';
import { contexts } from './context.ts';

export function lowerCall(lx: Lowerer, node: CallExpression): Val | undefined {
  const callee = node.getExpression();
  const args = node.getArguments() as Expression[];
  if (Node.isPropertyAccessExpression(callee)) {
    const obj = expr(lx, callee.getExpression());
    if (!obj) return undefined;
    const method = callee.getName();
    const fn = obj.k === 'object' ? obj.functions.get(method) : undefined;
    if (fn) return callFunction(lx, fn, args, node);
    if (obj.k === 'map') return mapMethod(lx, obj.map, method, args, node);
    if (obj.k === 'ctx') return ctxMethod(lx, obj, method, args, node);
    lx.report(codes.SY3002, `${describe(obj)} has no method ${method}`, node);
    return undefined;
  }
  if (!Node.isIdentifier(callee)) {
    lx.report(codes.SY3003, 'call a function by its name', node);
    return undefined;
  }
  const ent = lx.c.entity(callee);
  switch (ent.k) {
    case 'intrinsic':
      return intrinsic(lx, ent.name, node, args);
    case 'helper':
      return helperCall(lx, ent.name, ent.decl, args, node);
    case 'function':
      return callFunction(lx, ent.decl as FunctionDeclaration, args, node);
    case 'unknown':
      lx.report(codes.SY3010, ent.why, callee);
      return undefined;
    default:
      lx.report(codes.SY3003, `${callee.getText()} is not a function`, callee);
      return undefined;
  }
}

export function argCount(lx: Lowerer, args: Expression[], n: number, name: string, node: Node): boolean {
  if (args.length === n) return true;
  lx.report(codes.SY3062, `${name} takes ${n} argument(s), got ${args.length}`, node);
  return false;
}

function refArg(lx: Lowerer, node: Expression, expected?: Type): Extract<Val, { k: 'ref' }> | undefined {
  const v = expr(lx, node, expected);
  if (!v) return undefined;
  if (v.k === 'ref') return v;
  lx.report(codes.SY3062, `expected a struct or array, got ${describe(v)}`, node);
  return undefined;
}

function typeArg(lx: Lowerer, node: CallExpression): MemType | undefined {
  const [t] = node.getTypeArguments();
  if (!t) {
    lx.report(codes.SY3062, `${node.getExpression().getText()}<T>() needs its type argument`, node);
    return undefined;
  }
  return lx.c.memType(t);
}

function intrinsic(lx: Lowerer, name: string, node: CallExpression, args: Expression[]): Val | undefined {
  if (isIntName(name)) {
    if (!argCount(lx, args, 1, name, node)) return undefined;
    const v = scalarExpr(lx, args[0]!);
    return v && explicitCast(lx, v, ints[name], node);
  }
  const swap = { htons: [16, 'u16', 'be16'], ntohs: [16, 'be16', 'u16'], htonl: [32, 'u32', 'be32'], ntohl: [32, 'be32', 'u32'],
    bswap16: [16, 'u16', 'u16'], bswap32: [32, 'u32', 'u32'], bswap64: [64, 'u64', 'u64'] } as const;
  if (name in swap) {
    const [bits, from, to] = swap[name as keyof typeof swap];
    if (!argCount(lx, args, 1, name, node)) return undefined;
    const raw = scalarExpr(lx, args[0]!, ints[from]);
    const v = raw && implicitConvert(lx, raw, ints[from], args[0]!);
    if (!v) return undefined;
    if (v.k === 'const') return { k: 'const', type: ints[to], value: byteSwap(v.value, bits) };
    const dst = lx.b.vreg();
    lx.b.emit({ op: 'bswap', dst, a: reg(lx, v), bits });
    return { k: 'reg', type: ints[to], v: dst, dirty: false };
  }
  switch (name) {
    case 'sizeof': {
      const t = typeArg(lx, node);
      return t && { k: 'const', type: untypedInt, value: BigInt(sizeOf(t)) };
    }
    case 'zeroed': {
      const t = typeArg(lx, node);
      if (!t) return undefined;
      if (t.kind !== 'struct' && t.kind !== 'array') {
        lx.report(codes.SY3062, 'zeroed<T>() makes structs and arrays', node);
        return undefined;
      }
      const ref = stackObject(lx, t, `zeroed ${typeName(t)}`);
      zeroMem(lx, ref, sizeOf(t));
      return { k: 'ref', type: t, ref, nullable: false };
    }
    case 'copy':
    case 'zero': {
      if (!argCount(lx, args, name === 'copy' ? 2 : 1, name, node)) return undefined;
      const dst = refArg(lx, args[0]!);
      const src = name === 'copy' ? refArg(lx, args[1]!, dst?.type) : undefined;
      if (!dst || (name === 'copy' && !src)) return undefined;
      if (src && typeName(src.type) !== typeName(dst.type)) {
        lx.report(codes.SY3062, `copy: ${typeName(src.type)} into ${typeName(dst.type)}`, node);
        return undefined;
      }
      if (dst.ref.region === 'ctx') {
        lx.report(codes.SY3044, `${name}: context fields are written one by one`, node);
        return undefined;
      }
      if (src) copyMem(lx, dst.ref, src.ref, sizeOf(dst.type));
      else zeroMem(lx, dst.ref, sizeOf(dst.type));
      return { k: 'void' };
    }
    case 'equal': {
      // As a value; conditions use equalMem directly (lower-cond.ts).
      return boolFromBranches(lx, (t, f) => equalBranch(lx, node, t, f));
    }
    case 'atomicAdd':
      return atomicAdd(lx, node, args);
    case 'isXdp': {
      // Context-generic code picks its context's layer at compile time: the branch for the
      // other context is never lowered (it may use helpers this program type lacks).
      if (!argCount(lx, args, 1, name, node)) return undefined;
      const v = expr(lx, args[0]!);
      if (!v) return undefined;
      if (v.k !== 'ctx') {
        lx.report(codes.SY3062, `isXdp(ctx) takes the program's context, got ${describe(v)}`, node);
        return undefined;
      }
      return { k: 'const', type: boolType, value: v.ctx === 'xdp' ? 1n : 0n };
    }
    case 'isV6': {
      // Family-generic code picks its family's leaf at compile time, as isXdp does for contexts.
      if (!argCount(lx, args, 1, name, node)) return undefined;
      const v = expr(lx, args[0]!);
      if (!v) return undefined;
      const ip = v.k === 'object' ? v.members.get('ipVersion') : undefined;
      if (ip?.k !== 'const' || (ip.value !== 4n && ip.value !== 6n)) {
        lx.report(codes.SY3072, `isV6(f) takes an address family object (a top-level object with \`ipVersion: 4\` or \`6\`), got ${describe(v)}`, node);
        return undefined;
      }
      return { k: 'const', type: boolType, value: ip.value === 6n ? 1n : 0n };
    }
    case 'csumReplace': {
      if (!argCount(lx, args, 3, name, node)) return undefined;
      const [c, f, t] = args.map((a) => scalarExpr(lx, a));
      return c && f && t ? csumReplace(lx, c, f, t, node) : undefined;
    }
    case 'nodeConfig':
    case 'map':
    case 'progArray':
      lx.report(codes.SY3002, `${name}() declares something: call it at the top level of a file, \`export const x = ${name}(...)\``, node);
      return undefined;
  }
  lx.report(codes.SY3010, `${name} is declared but the compiler does not implement it`, node);
  return undefined;
}

/** equal(a, b) as a branch; false after reporting a problem. */
export function equalBranch(lx: Lowerer, node: CallExpression, t: Block, f: Block): boolean {
  const args = node.getArguments() as Expression[];
  if (!argCount(lx, args, 2, 'equal', node)) return false;
  const a = refArg(lx, args[0]!);
  const b = a && refArg(lx, args[1]!, a.type);
  if (!a || !b) return false;
  if (typeName(a.type) !== typeName(b.type)) {
    lx.report(codes.SY3062, `equal: ${typeName(a.type)} and ${typeName(b.type)}`, node);
    return false;
  }
  equalMem(lx, a.ref, b.ref, sizeOf(a.type), t, f);
  return true;
}

/** atomicAdd(obj, 'field', n): BPF_ATOMIC add on a u32/u64 field of a map value or stack object. */
function atomicAdd(lx: Lowerer, node: CallExpression, args: Expression[]): Val | undefined {
  if (!argCount(lx, args, 3, 'atomicAdd', node)) return undefined;
  const obj = refArg(lx, args[0]!);
  const nameNode = args[1]!;
  if (!obj) return undefined;
  if (!Node.isStringLiteral(nameNode) || obj.type.kind !== 'struct') {
    lx.report(codes.SY3062, "atomicAdd(obj, 'field', n): a struct and the name of one of its fields", nameNode);
    return undefined;
  }
  const f = obj.type.fields.find((x) => x.name === nameNode.getLiteralValue());
  if (!f || f.type.kind !== 'int' || f.type.bits < 32 || f.type.be) {
    lx.report(codes.SY3062, `atomicAdd: ${obj.type.name}.${nameNode.getLiteralValue()} is not a u32/u64/i32/i64 field`, nameNode);
    return undefined;
  }
  if (obj.ref.region === 'packet' || obj.ref.region === 'ctx') {
    lx.report(codes.SY3062, 'atomicAdd works on map values and stack objects (the verifier refuses atomics on packet or context memory)', node);
    return undefined;
  }
  const n = scalarExpr(lx, args[2]!, f.type);
  const c = n && implicitConvert(lx, n, f.type, args[2]!);
  if (!c) return undefined;
  const src = c.k === 'const' ? lx.b.constant(c.value) : reg(lx, c);
  lx.b.emit({ op: 'atomic', aop: 'add', addr: addrOf(obj.ref, f.offset), size: f.type.bits === 64 ? 8 : 4, src });
  return { k: 'void' };
}

// --- Context methods ----------------------------------------------------------------------------

function ctxMethod(lx: Lowerer, ctx: Extract<Val, { k: 'ctx' }>, method: string, args: Expression[], node: CallExpression): Val | undefined {
  const info = contexts[ctx.ctx];
  if (!info.packet) {
    lx.report(codes.SY3061, `${info.typeName} has no packet: ${method} is for XDP and tc programs`, node);
    return undefined;
  }
  switch (method) {
    case 'header': {
      const t = typeArg(lx, node);
      if (!t || !argCount(lx, args, 1, 'header', node)) return undefined;
      if (t.kind !== 'struct' && t.kind !== 'array') {
        lx.report(codes.SY3062, 'header<T>() reads a struct or an array', node);
        return undefined;
      }
      const off = scalarExpr(lx, args[0]!);
      return off && header(lx, off, t, node);
    }
    case 'l3CsumReplace':
    case 'l4CsumReplace': {
      if (!argCount(lx, args, 4, method, node)) return undefined;
      const [off, from, to, flags] = args.map((a) => scalarExpr(lx, a));
      if (!off || !from || !to || !flags) return undefined;
      return ctxCsumReplace(lx, method === 'l3CsumReplace' ? 3 : 4, ctx.v, off, from, to, flags, node);
    }
  }
  lx.report(codes.SY3010, `${info.typeName} has no method ${method}`, node);
  return undefined;
}

// --- Kernel helpers -----------------------------------------------------------------------------

type ParamKind = { k: 'ctx'; nullable: boolean } | { k: 'ptr'; nullable: boolean } | { k: 'progArray' } | { k: 'int'; type: IntType };

function paramKind(typeText: string): ParamKind | undefined {
  const parts = typeText.split('|').map((s) => s.trim());
  const nullable = parts.includes('null');
  const rest = parts.filter((p) => p !== 'null');
  if (rest.every((p) => ['XdpMd', 'SkBuff', 'SockAddr', 'Sock'].includes(p))) return { k: 'ctx', nullable };
  if (rest.length === 1 && rest[0] === 'ProgArray') return { k: 'progArray' };
  if (rest.length === 1 && isIntName(rest[0]!)) return { k: 'int', type: ints[rest[0]!] };
  return { k: 'ptr', nullable };
}

function helperCall(lx: Lowerer, name: string, decl: FunctionDeclaration, args: Expression[], node: CallExpression): Val | undefined {
  const rule = helperRules[name];
  if (!rule) {
    lx.report(codes.SY3061, `${name} is declared but format/bpf-helpers.ts does not offer it to BPF-TS`, node);
    return undefined;
  }
  if (lx.ctxKind && !rule.contexts.includes(lx.ctxKind)) {
    lx.report(codes.SY3061, `${name} is not available to ${contexts[lx.ctxKind].typeName} programs (only ${rule.contexts.map((c) => contexts[c].typeName).join(', ')})`, node);
    return undefined;
  }
  const params = decl.getParameters();
  if (!argCount(lx, args, params.length, name, node)) return undefined;
  const argv: Operand[] = [];
  for (let i = 0; i < params.length; i++) {
    const kind = paramKind(params[i]!.getTypeNodeOrThrow().getText());
    const a = args[i]!;
    const v = expr(lx, a, kind?.k === 'int' ? kind.type : undefined);
    if (!v || !kind) return undefined;
    const bad = () => lx.report(codes.SY3062, `${name}: argument ${params[i]!.getName()} takes ${params[i]!.getTypeNodeOrThrow().getText()}, got ${describe(v)}`, a);
    if (kind.k === 'int') {
      const c = isScalarVal(v) ? implicitConvert(lx, v, kind.type, a) : undefined;
      if (!c) return isScalarVal(v) ? undefined : (bad(), undefined);
      argv.push(c.k === 'const' ? lx.b.operand(c.value, 64) : reg(lx, c));
    } else if (v.k === 'null' && (kind.k === 'ctx' || kind.k === 'ptr') && kind.nullable) {
      argv.push({ imm: 0n });
    } else if (kind.k === 'ctx' && v.k === 'ctx') {
      argv.push(v.v);
    } else if (kind.k === 'ptr' && v.k === 'ref') {
      argv.push(pointerOf(lx, v.ref as Ref));
    } else if (kind.k === 'progArray' && v.k === 'map' && v.map.kind === 'prog_array') {
      const m = lx.b.vreg({ ptr: 'map_handle', name: v.map.name });
      lx.b.emit({ op: 'map', dst: m, map: v.map.name });
      argv.push(m);
    } else {
      bad();
      return undefined;
    }
  }
  const retNode = decl.getReturnTypeNode()?.getText() ?? 'void';
  const dst = lx.b.vreg();
  lx.b.emit({ op: 'call', helper: helperId(name), name: name.replace(/^bpf_/, ''), args: argv, argCount: 0, dst, movesPacket: rule.movesPacket });
  if (rule.movesPacket) lx.reloadPacket();
  if (isIntName(retNode)) return { k: 'reg', type: ints[retNode], v: dst, dirty: false };
  return { k: 'void' };
}
