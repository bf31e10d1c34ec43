// Map methods: lookup/update/delete on the maps a source declares (bpf_map_*_elem with a key
// and value made addressable), and get/delete on socket-local storage (bpf_sk_storage_* on the
// hook's own socket).

import type { CallExpression, Expression } from 'ts-morph';
import { codes } from '../codes.ts';
import { implicitConvert, isScalarVal, reg } from './arith.ts';
import { helperId } from '../../../format/bpf-helpers.ts';
import type { Operand, VReg } from '../ir/ir.ts';
import { argCount } from './lower-call.ts';
import { describe, expr, scalarExpr } from './lower-expr.ts';
import type { Lowerer } from './lowerer.ts';
import { pointerOf, stackObject } from './memory.ts';
import { ints, sizeOf, typeName, type MemType } from './types.ts';
import type { MapDecl } from './maps.ts';
import type { Val } from './values.ts';

/** A pointer to the key or value: references as they are, scalars through a stack slot. */
function memArg(lx: Lowerer, node: Expression, t: MemType, what: string): VReg | undefined {
  const v = expr(lx, node, t);
  if (!v) return undefined;
  if (v.k === 'ref') {
    if (typeName(v.type) !== typeName(t)) {
      lx.report(codes.SY3062, `${what} is a ${typeName(t)}, got ${typeName(v.type)}`, node);
      return undefined;
    }
    return pointerOf(lx, v.ref);
  }
  if (isScalarVal(v) && (t.kind === 'int' || t.kind === 'bool')) {
    const c = implicitConvert(lx, v, t, node);
    if (!c) return undefined;
    const ref = stackObject(lx, t, what);
    lx.b.store({ slot: (ref.base as { slot: number }).slot, off: 0 }, sizeOf(t) as 1 | 2 | 4 | 8, c.k === 'const' ? c.value : reg(lx, c));
    return pointerOf(lx, ref);
  }
  lx.report(codes.SY3062, `${what} is a ${typeName(t)}, got ${describe(v)}`, node);
  return undefined;
}

/** A map method's optional u64 flags: 0 when left out; undefined after reporting. */
function flagsArg(lx: Lowerer, node: Expression | undefined): Operand | undefined {
  if (!node) return { imm: 0n };
  const f = scalarExpr(lx, node, ints.u64);
  const c = f && implicitConvert(lx, f, ints.u64, node);
  if (!c) return undefined;
  return c.k === 'const' ? lx.b.operand(c.value, 64) : reg(lx, c);
}

export function mapMethod(lx: Lowerer, m: MapDecl, method: string, args: Expression[], node: CallExpression): Val | undefined {
  if (m.kind === 'prog_array') {
    lx.report(codes.SY3062, `${m.name} is a program array: use bpf_tail_call(ctx, ${m.name}, index)`, node);
    return undefined;
  }
  if (m.kind === 'sk_storage') return storageMethod(lx, m, method, args, node);
  const mapReg = lx.b.vreg({ ptr: 'map_handle', name: m.name });
  const call = (helper: string, argv: Operand[], ret: VReg) =>
    lx.b.emit({ op: 'call', helper: helperId(helper), name: helper, args: [mapReg, ...argv], argCount: 0, dst: ret, movesPacket: false });
  switch (method) {
    case 'lookup': {
      if (!argCount(lx, args, 1, `${m.name}.lookup`, node)) return undefined;
      const key = memArg(lx, args[0]!, m.key, `key of ${m.name}`);
      if (key === undefined) return undefined;
      lx.b.emit({ op: 'map', dst: mapReg, map: m.name });
      const res = lx.b.vreg({ ptr: 'map', name: m.name });
      call('map_lookup_elem', [key], res);
      if (m.value.kind !== 'struct' && m.value.kind !== 'array') {
        lx.report(codes.SY3063, `map ${m.name}: lookup needs a struct or array value type`, node);
        return undefined;
      }
      return { k: 'ref', type: m.value, ref: { base: { v: res }, off: 0, region: 'map' }, nullable: true };
    }
    case 'update':
    case 'delete': {
      const n = method === 'update' ? [2, 3] : [1, 1];
      if (args.length < n[0]! || args.length > n[1]!) {
        lx.report(codes.SY3062, `${m.name}.${method} takes ${method === 'update' ? 'key, value[, flags]' : 'key'}`, node);
        return undefined;
      }
      const key = memArg(lx, args[0]!, m.key, `key of ${m.name}`);
      const value = method === 'update' ? memArg(lx, args[1]!, m.value, `value of ${m.name}`) : undefined;
      if (key === undefined || (method === 'update' && value === undefined)) return undefined;
      const flags = flagsArg(lx, args[2]);
      if (!flags) return undefined;
      lx.b.emit({ op: 'map', dst: mapReg, map: m.name });
      const res = lx.b.vreg();
      if (method === 'update') call('map_update_elem', [key, value!, flags], res);
      else call('map_delete_elem', [key], res);
      return { k: 'reg', type: ints.i64, v: res, dirty: false };
    }
  }
  lx.report(codes.SY3010, `maps have lookup, update and delete, not ${method}`, node);
  return undefined;
}

/** bpf_sock_addr.sk: the socket a sock_addr hook runs for (a full socket to the verifier). */
const SOCK_ADDR_SK = 64;

/**
 * An sk_storage map's methods, `get(ctx, flags?)` and `delete(ctx)`: the socket is the hook's
 * own (ctx->sk, loaded here), so BPF-TS needs no socket pointer type of its own.
 */
function storageMethod(lx: Lowerer, m: MapDecl, method: string, args: Expression[], node: CallExpression): Val | undefined {
  if (method !== 'get' && method !== 'delete') {
    lx.report(codes.SY3010, `${m.name} is socket-local storage: it has get(ctx, flags) and delete(ctx), not ${method}`, node);
    return undefined;
  }
  const n = method === 'get' ? [1, 2] : [1, 1];
  if (args.length < n[0]! || args.length > n[1]!) {
    lx.report(codes.SY3062, `${m.name}.${method} takes ${method === 'get' ? 'ctx[, flags]' : 'ctx'}`, node);
    return undefined;
  }
  const ctx = expr(lx, args[0]!);
  if (!ctx) return undefined;
  if (ctx.k !== 'ctx' || ctx.ctx !== 'sock_addr') {
    lx.report(codes.SY3062, `${m.name}.${method}: the socket is a sock_addr hook's (pass its ctx), got ${describe(ctx)}`, args[0]!);
    return undefined;
  }
  const flags = flagsArg(lx, args[1]);
  if (!flags) return undefined;
  const sk = lx.b.vreg({ name: 'sk' });
  lx.b.emit({ op: 'load', dst: sk, addr: { base: ctx.v, off: SOCK_ADDR_SK }, size: 8, signed: false });
  const mapReg = lx.b.vreg({ ptr: 'map_handle', name: m.name });
  lx.b.emit({ op: 'map', dst: mapReg, map: m.name });
  if (method === 'delete') {
    const res = lx.b.vreg();
    lx.b.emit({ op: 'call', helper: helperId('sk_storage_delete'), name: 'sk_storage_delete', args: [mapReg, sk], argCount: 0, dst: res, movesPacket: false });
    return { k: 'reg', type: ints.i64, v: res, dirty: false };
  }
  if (m.value.kind !== 'struct' && m.value.kind !== 'array') {
    lx.report(codes.SY3063, `map ${m.name}: get needs a struct or array value type`, node);
    return undefined;
  }
  const res = lx.b.vreg({ ptr: 'map', name: m.name });
  lx.b.emit({ op: 'call', helper: helperId('sk_storage_get'), name: 'sk_storage_get', args: [mapReg, sk, { imm: 0n }, flags], argCount: 0, dst: res, movesPacket: false });
  return { k: 'ref', type: m.value, ref: { base: { v: res }, off: 0, region: 'map' }, nullable: true };
}
