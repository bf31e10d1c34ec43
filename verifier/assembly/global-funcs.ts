// Global functions (BTF func info with global linkage), as the kernel treats them: each is
// verified on its own from its BTF prototype (scalars unknown, the context struct as ctx, a
// pointer to a sized type as memory of that size or NULL), after the main program and only once
// called; a call checks its arguments against the prototype and returns an unknown scalar.

import { forgetPacketPointers } from './call';
import { Cfg } from './cfg';
import { appendError, fail, R, UNSUPPORTED } from './errors';
import { proto } from './helpers';
import { newId } from './ids';
import { checkHelperMem } from './memory';
import { CALL_HELPER, CALL_LOCAL, CLS_JMP, JMP_CALL } from './opcode';
import { MapInfo, prog } from './program';
import { MAP_ARRAY } from './uapi';
import { isOrNull, nonNull, NOT_INIT, PTR_TO_CTX, PTR_TO_MAP_VALUE, PTR_TO_MAP_VALUE_OR_NULL, Reg, SCALAR, typeName } from './reg';
import { State } from './state';
import { tnumText } from './align';

// Argument kinds and return kinds as the host encodes them (verifier/verifier.ts).
export const ARG_SCALAR: i32 = 1;
export const ARG_CTX: i32 = 2;
export const ARG_MEM: i32 = 3;
export const ARG_UNSUPPORTED: i32 = 4;
export const RET_SCALAR: i32 = 0;
export const RET_OTHER: i32 = 2;

export class GlobalFunc {
  insn: i32 = 0;
  name: string = '';
  ret: i32 = RET_SCALAR;
  kinds: Array<i32> = new Array<i32>();
  sizes: Array<i32> = new Array<i32>();
  /** Per argument of kind ARG_MEM: the map-table index standing for its memory. */
  memMaps: Array<i32> = new Array<i32>();
  subprog: i32 = -1;
  /** Whether some walk reached a call to it, and whether it has been walked since. */
  called: bool = false;
  walked: bool = false;
  /** Whether it (or a static function it calls) calls a helper that changes packet data. */
  changesPacket: bool = false;
}

let funcs: Array<GlobalFunc> = changetype<Array<GlobalFunc>>(0);
/** Per subprogram: its GlobalFunc, or null for static functions and the main program. */
let bySubprog: Array<GlobalFunc | null> = changetype<Array<GlobalFunc | null>>(0);
/** Map-table indexes that stand for a global function's memory argument (for messages). */
let memMapFirst: i32 = 0;

export function initGlobalFuncs(): void {
  funcs = new Array<GlobalFunc>();
  bySubprog = new Array<GlobalFunc | null>();
  memMapFirst = i32.MAX_VALUE;
}

/** Host boundary: [ret, nargs, kind1, size1, ..., kindN, sizeN] for the function at `insn`. */
export function addGlobalFunc(insn: i32, name: string, desc: Int32Array): void {
  const g = new GlobalFunc();
  g.insn = insn;
  g.name = name;
  g.ret = desc[0];
  const n = desc[1];
  for (let a = 0; a < n; a++) {
    g.kinds.push(desc[2 + 2 * a]);
    g.sizes.push(desc[3 + 2 * a]);
    g.memMaps.push(-1);
  }
  funcs.push(g);
}

/**
 * Binds each global function to its subprogram and gives each memory argument a stand-in
 * one-element array of its size, so that loads, stores, helpers and null checks treat it as
 * sized memory. Called once the program and its subprograms are known.
 */
export function attachGlobalFuncs(cfg: Cfg): void {
  bySubprog = new Array<GlobalFunc | null>(cfg.subprogStart.length);
  for (let sp = 0; sp < cfg.subprogStart.length; sp++) bySubprog[sp] = null;
  memMapFirst = prog.maps.length;
  for (let k = 0; k < funcs.length; k++) {
    const g = funcs[k];
    const sp = g.insn >= 0 && g.insn < prog.count ? unchecked(cfg.subprogOf[g.insn]) : -1;
    if (sp <= 0 || cfg.subprogStart[sp] != g.insn) continue;
    g.subprog = sp;
    bySubprog[sp] = g;
    for (let a = 0; a < g.kinds.length; a++) {
      if (g.kinds[a] != ARG_MEM) continue;
      const m = new MapInfo();
      m.type = MAP_ARRAY;
      m.keySize = 4;
      m.valueSize = g.sizes[a];
      m.maxEntries = 1;
      g.memMaps[a] = prog.maps.length;
      prog.maps.push(m);
    }
  }
  for (let k = 0; k < funcs.length; k++) {
    const g = funcs[k];
    if (g.subprog > 0) g.changesPacket = reachesPacketChange(cfg, g.subprog, 0);
  }
}

function reachesPacketChange(cfg: Cfg, sp: i32, depth: i32): bool {
  if (depth > 8) return true;
  const end = cfg.subprogEnd(sp);
  for (let i = cfg.subprogStart[sp]; i < end; i++) {
    if (unchecked(prog.code[i]) != (CLS_JMP | JMP_CALL)) continue;
    const src = unchecked(prog.src[i]);
    if (src == CALL_HELPER) {
      const p = proto(unchecked(prog.imm[i]));
      if (p && p.changesPacket) return true;
    } else if (src == CALL_LOCAL) {
      if (reachesPacketChange(cfg, unchecked(cfg.subprogOf[i + unchecked(prog.imm[i]) + 1]), depth + 1)) return true;
    }
  }
  return false;
}

export function globalOf(subprog: i32): GlobalFunc | null {
  return subprog >= 0 && subprog < bySubprog.length ? bySubprog[subprog] : null;
}

/** The kernel's name for a pointer type, `mem` for a global function's memory argument. */
export function pointerName(r: Reg): string {
  if (r.map >= memMapFirst && (r.type == PTR_TO_MAP_VALUE_OR_NULL || r.type == PTR_TO_MAP_VALUE)) {
    return r.type == PTR_TO_MAP_VALUE_OR_NULL ? 'mem_or_null' : 'mem';
  }
  return typeName(r.type);
}

/** Starts a new walk: nothing called, nothing walked. */
export function resetGlobalWalks(): void {
  for (let k = 0; k < funcs.length; k++) {
    funcs[k].called = false;
    funcs[k].walked = false;
  }
}

/** The next global function called and not yet walked in this walk (lowest subprogram first). */
export function nextGlobalToWalk(): GlobalFunc | null {
  let best: GlobalFunc | null = null;
  for (let k = 0; k < funcs.length; k++) {
    const g = funcs[k];
    if (g.subprog > 0 && g.called && !g.walked && (best == null || g.subprog < best.subprog)) best = g;
  }
  return best;
}

/** Whether the prototype is one this verifier models; reports at `insn` when not. */
function checkPrototype(insn: i32, g: GlobalFunc): bool {
  if (g.ret == RET_OTHER) {
    return fail(insn, 'Global function ' + g.name + "() doesn't return scalar. Only those are supported.");
  }
  for (let a = 0; a < g.kinds.length; a++) {
    if (g.kinds[a] == ARG_UNSUPPORTED) {
      return fail(insn, 'global function ' + g.name + '(): the type of arg#' + a.toString() + ' is not modelled by this verifier', UNSUPPORTED);
    }
  }
  return true;
}

/** The state a global function is verified from: one frame, its arguments from the prototype. */
export function enterGlobal(st: State, g: GlobalFunc): bool {
  g.walked = true;
  st.pushFrame(-1, g.subprog);
  st.pc = g.insn;
  if (!checkPrototype(g.insn, g)) return false;
  for (let a = 0; a < g.kinds.length; a++) {
    const r = st.reg(a + 1);
    const k = g.kinds[a];
    if (k == ARG_SCALAR) r.markUnknown();
    else if (k == ARG_CTX) r.markPointer(PTR_TO_CTX);
    else {
      r.markPointer(PTR_TO_MAP_VALUE_OR_NULL);
      r.map = g.memMaps[a];
      r.id = newId();
    }
  }
  return true;
}

/** A call at `i` to global function `g`: arguments against its prototype, then an unknown r0. */
export function callGlobal(st: State, i: i32, g: GlobalFunc): bool {
  if (!checkPrototype(i, g)) return false;
  for (let a = 0; a < g.kinds.length; a++) {
    if (!checkArg(st, i, a, g)) {
      appendError('Caller passes invalid args into func#' + g.subprog.toString() + " ('" + g.name + "')");
      return false;
    }
  }
  g.called = true;
  if (g.changesPacket) forgetPacketPointers(st);
  st.reg(0).markUnknown();
  for (let n = 1; n <= 5; n++) st.reg(n).markNotInit();
  return true;
}

function checkArg(st: State, i: i32, a: i32, g: GlobalFunc): bool {
  const n = a + 1;
  const r = st.reg(n);
  const k = g.kinds[a];
  if (k == ARG_SCALAR) {
    if (r.type != SCALAR) return fail(i, R(n) + ' is not a scalar');
    return true;
  }
  if (k == ARG_CTX) {
    if (r.type != PTR_TO_CTX) return fail(i, 'arg#' + a.toString() + ' expected pointer to ctx, but got ' + typeName(r.type));
    if (r.off != 0 || !r.isConst() || r.v != 0) {
      return fail(i, 'dereference of modified ctx ptr ' + R(n) + ' off=' + r.off.toString() + ' var_off=' + tnumText(r.v, r.m) + ' disallowed');
    }
    return true;
  }
  // Memory of the prototype's size, which the callee may read and write; or NULL. A pointer
  // that may be NULL is checked as if it were not (the callee must check it anyway).
  if (r.isZero()) return true;
  if (r.type == NOT_INIT) return fail(i, R(n) + ' !read_ok');
  if (r.type == SCALAR) return fail(i, R(n) + ' type=scalar expected=fp, pkt, pkt_meta, map_key, map_value, mem');
  const t = r.type;
  if (isOrNull(t)) r.type = nonNull(t);
  const ok = checkHelperMem(st, i, n, g.sizes[a], false) && checkHelperMem(st, i, n, g.sizes[a], true);
  r.type = t;
  return ok;
}

/** An exit of a global function's own frame: it must return a scalar. */
export function exitGlobal(st: State, i: i32, g: GlobalFunc): bool {
  if (st.refs.length) return fail(i, 'Unreleased reference id=' + st.refs[0].toString());
  const r0 = st.reg(0);
  if (r0.type == NOT_INIT) return fail(i, R(0) + ' !read_ok');
  if (r0.type != SCALAR) return fail(i, 'At subprogram exit the register R0 is not a scalar value (' + typeName(r0.type) + ')');
  return true;
}
