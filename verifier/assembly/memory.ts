// Loads and stores: what each pointer type lets an instruction touch, at which offsets and
// sizes. Stack, map values, packet (within the range learnt from data_end), context (per the
// program type's tables) and sockets; every other register type is refused.

import { checkAlignment, tnumText } from './align';
import { sockLoadAllowed, ctxAllowed, ctxLoadType, packetWritable, ACC_LOAD, ACC_ST, ACC_STX } from './ctx';
import { fail, R, UNSUPPORTED } from './errors';
import { checkMapWritable, loadFrozen } from './global-data';
import { pointerName } from './global-funcs';
import { truncateTo, syncBounds } from './bounds';
import { prog } from './program';
import {
  Reg, NOT_INIT, PTR_TO_CTX, PTR_TO_MAP_VALUE, PTR_TO_STACK, PTR_TO_SOCKET, PTR_TO_SOCK_COMMON, SCALAR, isPacket, typeName,
  S64_MIN, PTR_TO_MAP_KEY, PTR_TO_MEM, isPointer, isOrNull,
} from './reg';
import { newId } from './ids';
import { BAD_OFFSET, frameOf, rangeHi, stackOffset, stackRange, stackRead, stackReadVar, stackTouch, stackWrite } from './stack';
import { checkSpecialFields } from './special-fields';
import { State } from './state';

/** Variable offsets past this are "unbounded" (the kernel's BPF_MAX_VAR_OFF). */
export const MAX_VAR_OFF: i64 = 1 << 29;

/** Access [reg + off, + size) inside a region of `limit` bytes (map values): the kernel's checks. */
export function checkRegion(insn: i32, regno: i32, reg: Reg, off: i32, size: i32, limit: i32, what: string): bool {
  const fixed = <i64>reg.off + <i64>off;
  if (reg.smin < 0 && (reg.smin == S64_MIN || fixed + reg.smin < 0)) {
    return fail(insn, R(regno) + ' min value is negative, either use unsigned index or do a if (index >=0) check.');
  }
  const lo = fixed + reg.smin;
  // The kernel says mem_size for memory of a known size, value_size for map values and keys.
  const sizeName = what == 'memory' ? ', mem_size=' : ', value_size=';
  if (lo < 0 || lo + <i64>size > <i64>limit) {
    return fail(insn, 'invalid access to ' + what + sizeName + limit.toString() + ' off=' + lo.toString() + ' size=' + size.toString());
  }
  if (reg.umax >= <u64>MAX_VAR_OFF) {
    return fail(insn, R(regno) + ' unbounded memory access, make sure to bounds check any such access');
  }
  const hi = fixed + <i64>reg.umax;
  if (hi < 0 || hi + <i64>size > <i64>limit) {
    return fail(insn, 'invalid access to ' + what + sizeName + limit.toString() + ' off=' + hi.toString() + ' size=' + size.toString());
  }
  if (reg.type == PTR_TO_MAP_VALUE) return checkSpecialFields(insn, reg, off, size);
  return true;
}

/** Packet access [reg + off, + size) within the range learnt for the pointer. */
export function checkPacket(insn: i32, regno: i32, reg: Reg, off: i32, size: i32, write: bool): bool {
  if (write && !packetWritable()) return fail(insn, 'cannot write into packet');
  if (reg.smin < 0) {
    return fail(insn, R(regno) + ' min value is negative, either use unsigned index or do a if (index >=0) check.');
  }
  const o = reg.off + off;
  if (o < 0 || o + size > reg.range) {
    return fail(insn, 'invalid access to packet, off=' + o.toString() + ' size=' + size.toString() + ', ' + R(regno) +
      '(id=' + reg.id.toString() + ',off=' + o.toString() + ',r=' + reg.range.toString() + ')\n' +
      R(regno) + ' offset is outside of the packet');
  }
  return true;
}

function checkCtx(insn: i32, regno: i32, reg: Reg, off: i32, size: i32, kind: i32): bool {
  if (reg.off != 0) {
    return fail(insn, 'dereference of modified ctx ptr ' + R(regno) + ' off=' + reg.off.toString() + ' disallowed');
  }
  if (!reg.isConst() || reg.v != 0) {
    return fail(insn, 'variable ctx access var_off=' + tnumText(reg.v, reg.m) + ' disallowed');
  }
  if (!ctxAllowed(off, size, kind)) {
    return fail(insn, 'invalid bpf_context access off=' + off.toString() + ' size=' + size.toString());
  }
  return true;
}

function checkSock(insn: i32, regno: i32, reg: Reg, off: i32, size: i32, write: bool): bool {
  const common = reg.type == PTR_TO_SOCK_COMMON;
  if (write) return fail(insn, 'cannot write into ' + typeName(reg.type));
  if (reg.off != 0 || !reg.isConst() || reg.v != 0) {
    return fail(insn, R(regno) + ' invalid ' + typeName(reg.type) + ' access off=' + off.toString() + ' size=' + size.toString());
  }
  if (!sockLoadAllowed(off, size, common)) {
    return fail(insn, 'invalid ' + typeName(reg.type) + ' access off=' + off.toString() + ' size=' + size.toString());
  }
  return true;
}

/** The unknown scalar a load of `size` bytes gives (sign-extended for LDX|MEMSX). */
function loadedScalar(dst: Reg, size: i32, signExtend: bool): void {
  dst.markUnknown();
  if (!signExtend) {
    truncateTo(dst, size);
    return;
  }
  if (size >= 8) return;
  const half: i64 = <i64>1 << (<i64>size * 8 - 1);
  dst.setFullBounds();
  dst.smin = -half;
  dst.smax = half - 1;
  syncBounds(dst);
}

/**
 * LDX: dst = *(size *)(base + off). `signExtend` for LDX|MEMSX. Reports and returns false on
 * a refused access; on success `dst` holds what was loaded.
 */
export function checkLoad(st: State, insn: i32, dstno: i32, baseno: i32, off: i32, size: i32, signExtend: bool): bool {
  const base = st.reg(baseno);
  if (base.type == NOT_INIT) return fail(insn, R(baseno) + ' !read_ok');
  if (!checkAlignment(insn, base, off, size)) return false;
  const dst = st.reg(dstno);
  const t = base.type;
  if (t == PTR_TO_STACK) {
    // The load may overwrite the base register: read into a scratch first.
    if (base.isConst()) {
      const total = stackOffset(insn, baseno, base, off, size, 'read from');
      if (total == BAD_OFFSET) return false;
      if (!stackRead(insn, frameOf(st, base), total, size, loadTmp)) return false;
    } else {
      const lo = stackRange(insn, baseno, base, off, size, 'read from');
      if (lo == BAD_OFFSET) return false;
      if (!stackReadVar(insn, frameOf(st, base), lo, rangeHi, size, loadTmp)) return false;
    }
    if (signExtend && loadTmp.type == SCALAR) {
      if (!loadTmp.isConst() || size >= 8) loadedScalar(loadTmp, size, true);
      else loadTmp.markConst(<u64>signExtendValue(loadTmp.v, size));
    }
    dst.copyFrom(loadTmp);
    return true;
  }
  if (t == PTR_TO_MAP_VALUE) {
    const m = prog.maps[base.map];
    if (!checkRegion(insn, baseno, base, off, size, m.valueSize, 'map value')) return false;
    if (!loadFrozen(base, off, size, signExtend, dst)) loadedScalar(dst, size, signExtend);
    return true;
  }
  if (t == PTR_TO_MAP_KEY) {
    const m = prog.maps[base.map];
    if (!checkRegion(insn, baseno, base, off, size, m.keySize, 'map key')) return false;
    loadedScalar(dst, size, signExtend);
    return true;
  }
  if (t == PTR_TO_MEM) {
    if (!checkRegion(insn, baseno, base, off, size, base.range, 'memory')) return false;
    loadedScalar(dst, size, signExtend);
    return true;
  }
  if (isPacket(t)) {
    if (!checkPacket(insn, baseno, base, off, size, false)) return false;
    loadedScalar(dst, size, signExtend);
    return true;
  }
  if (t == PTR_TO_CTX) {
    if (!checkCtx(insn, baseno, base, off, size, ACC_LOAD)) return false;
    const lt = ctxLoadType(off);
    // A sign-extending load of a number field is that number widened (the kernel rewrites it
    // into the narrow load plus a sign extension); of a pointer field, not modelled.
    if (signExtend && lt != SCALAR) return fail(insn, 'sign-extending loads of context pointer fields are not modelled by this verifier', UNSUPPORTED);
    if (lt == SCALAR) loadedScalar(dst, size, signExtend);
    else {
      dst.markPointer(lt);
      if (isOrNull(lt)) dst.id = newId();
    }
    return true;
  }
  if (t == PTR_TO_SOCKET || t == PTR_TO_SOCK_COMMON) {
    if (!checkSock(insn, baseno, base, off, size, false)) return false;
    loadedScalar(dst, size, signExtend);
    return true;
  }
  return fail(insn, R(baseno) + " invalid mem access '" + pointerName(base) + "'");
}

function signExtendValue(v: u64, size: i32): i64 {
  if (size == 1) return <i64>(<i8>v);
  if (size == 2) return <i64>(<i16>v);
  if (size == 4) return <i64>(<i32>v);
  return <i64>v;
}

let loadTmp: Reg = changetype<Reg>(0);
let storeTmp: Reg = changetype<Reg>(0);

export function initMemory(): void {
  loadTmp = new Reg();
  storeTmp = new Reg();
}

/** ST/STX: *(size *)(base + off) = value register (srcno >= 0) or the immediate. */
export function checkStore(st: State, insn: i32, baseno: i32, off: i32, size: i32, srcno: i32, imm: i32): bool {
  const base = st.reg(baseno);
  if (base.type == NOT_INIT) return fail(insn, R(baseno) + ' !read_ok');
  let value: Reg | null = null;
  if (srcno >= 0) {
    const s = st.reg(srcno);
    if (s.type == NOT_INIT) return fail(insn, R(srcno) + ' !read_ok');
    storeTmp.copyFrom(s);
    value = storeTmp;
  }
  if (!checkAlignment(insn, base, off, size)) return false;
  const t = base.type;
  if (t == PTR_TO_STACK) {
    // A frame's stack pointers never reach another frame's stack: the kernel keeps a callee's
    // from outliving it, and its caller's where only the caller's own accesses see them.
    if (value && value.type == PTR_TO_STACK && base.frame != st.depth - 1) {
      return fail(insn, 'cannot spill pointers to stack into stack frame of the caller');
    }
    if (base.isConst()) {
      const total = stackOffset(insn, baseno, base, off, size, 'write to');
      if (total == BAD_OFFSET) return false;
      return stackWrite(insn, frameOf(st, base), total, size, value, <i64>imm);
    }
    const lo = stackRange(insn, baseno, base, off, size, 'write to');
    if (lo == BAD_OFFSET) return false;
    if (value && isPointer(value.type)) {
      return fail(insn, 'variable-offset spill of a pointer is not modelled by this verifier', UNSUPPORTED);
    }
    stackTouch(frameOf(st, base), lo, rangeHi, true);
    return true;
  }
  if (t == PTR_TO_MAP_VALUE) {
    const m = prog.maps[base.map];
    return checkMapWritable(insn, base.map, base.off + off, size) && checkRegion(insn, baseno, base, off, size, m.valueSize, 'map value');
  }
  if (t == PTR_TO_MEM) return checkRegion(insn, baseno, base, off, size, base.range, 'memory');
  if (isPacket(t)) return checkPacket(insn, baseno, base, off, size, true);
  if (t == PTR_TO_CTX) return checkCtx(insn, baseno, base, off, size, srcno >= 0 ? ACC_STX : ACC_ST);
  if (t == PTR_TO_SOCKET || t == PTR_TO_SOCK_COMMON) return checkSock(insn, baseno, base, off, size, true);
  return fail(insn, R(baseno) + " invalid mem access '" + typeName(t) + "'");
}

/**
 * Memory a helper argument designates: `size` bytes at reg (+0), read and/or written. Stack
 * bytes written become scalar data. Used for keys, values and (pointer, size) pairs.
 */
export function checkHelperMem(st: State, insn: i32, regno: i32, size: i32, write: bool): bool {
  const reg = st.reg(regno);
  const t = reg.type;
  if (size == 0) return true;
  if (t == PTR_TO_STACK) {
    const what = write ? 'indirect write to' : 'indirect read from';
    if (reg.isConst()) {
      const total = stackOffset(insn, regno, reg, 0, size, what);
      if (total == BAD_OFFSET) return false;
      stackTouch(frameOf(st, reg), total, total + size, write);
      return true;
    }
    const lo = stackRange(insn, regno, reg, 0, size, what);
    if (lo == BAD_OFFSET) return false;
    stackTouch(frameOf(st, reg), lo, rangeHi, write);
    return true;
  }
  if (t == PTR_TO_MAP_VALUE) {
    if (write && !checkMapWritable(insn, reg.map, reg.off, size)) return false;
    return checkRegion(insn, regno, reg, 0, size, prog.maps[reg.map].valueSize, 'map value');
  }
  if (t == PTR_TO_MAP_KEY) {
    if (write) return fail(insn, 'cannot write into map key');
    return checkRegion(insn, regno, reg, 0, size, prog.maps[reg.map].keySize, 'map key');
  }
  if (isPacket(t)) return checkPacket(insn, regno, reg, 0, size, write);
  if (t == PTR_TO_MEM) return checkRegion(insn, regno, reg, 0, size, reg.range, 'memory');
  return fail(insn, R(regno) + ' type=' + typeName(t) + ' expected=fp, pkt, pkt_meta, map_key, map_value');
}
