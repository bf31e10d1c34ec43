// Calls and exits: helper calls checked against their prototypes (helpers.ts), BPF-to-BPF
// calls that push a frame, and exits that pop one or end the program (return value, leaks).

import { fail, R, UNSUPPORTED } from './errors';
import {
  A_ANY, A_CTX, A_CTX_OR_NULL, A_KEY, A_MAP, A_MEM_RO, A_MEM_RO_OR_NULL, A_MEM_RW, A_MEM_UNINIT, A_NONE, A_SIZE,
  A_SIZE_OR_ZERO, A_SPIN_LOCK, A_CALLBACK, A_CALLBACK_CTX, A_VALUE, A_RESERVE_SIZE, A_RECORD_RELEASE, A_TIMER, A_TIMER_MAP,
  A_SOCK, A_VALUE_OR_NULL,
  RET_MAP_VALUE_OR_NULL, RET_RINGBUF_MEM_OR_NULL, RET_VOID,
} from './helper-protos';
import { helperAvailable, helperGplOnly, helperKnown, helperName, notModelled, proto } from './helpers';
import { gplCompatible } from './license';
import { checkCallWhileLocked, checkExitUnlocked, doSpinLock, FUNC_SPIN_LOCK } from './spin-lock';
import { spinLockOffset } from './special-fields';
import { checkNoReferences, initReferences } from './references';
import { CALLBACK_NONE, CALLBACK_TIMER, FUNC_TIMER_SET_CALLBACK, exitAsyncCallback, inCallback, callbackTarget, checkCallbackContext, enterCallback, exitCallback, initCallbacks } from './callbacks';
import { checkReserveSize, releaseRecord, reserveResult } from './ringbuf';
import { checkTimerArg, checkTimerMap } from './timer';

const FUNC_TAIL_CALL: i32 = 12;
import { newId } from './ids';
import { MAX_VAR_OFF, checkHelperMem } from './memory';
import { prog } from './program';
import { MAP_ARRAY, MAP_PERCPU_ARRAY } from './uapi';
import { Reg, NOT_INIT, SCALAR, CONST_PTR_TO_MAP, PTR_TO_CTX, PTR_TO_MAP_VALUE, PTR_TO_MAP_VALUE_OR_NULL, PTR_TO_STACK, isPacket, PTR_TO_PACKET_END, PTR_TO_SOCKET, PTR_TO_SOCK_COMMON, typeName } from './reg';
import { checkReturn } from './returns';
import { MAX_FRAMES, STACK_SIZE, STACK_ZERO, State } from './state';
import { tnumText } from './align';

/**
 * Whether a lookup cannot miss: an array (or per-CPU array) looked up with a key that is a
 * 4-byte constant spilled at the start of a stack slot, or four known-zero stack bytes, below
 * max_entries. This kernel then returns a plain map value rather than one to null-check
 * (observed; other key shapes, such as the low half of an 8-byte spill, not).
 */
function constArrayKey(st: State, key: Reg, map: i32): bool {
  const m = prog.maps[map];
  if (m.type != MAP_ARRAY && m.type != MAP_PERCPU_ARRAY) return false;
  if (key.type != PTR_TO_STACK || !key.isConst()) return false;
  const total = <i64>key.off + <i64>key.v;
  if (total < -<i64>STACK_SIZE || total + 4 > 0) return false;
  const k = STACK_SIZE + <i32>total;
  const f = st.frame(key.frame);
  let zeros = true;
  for (let b = k; b < k + 4; b++) if (unchecked(f.slot[b]) != STACK_ZERO) zeros = false;
  if (zeros) return m.maxEntries > 0;
  if ((k & 7) != 0) return false;
  const spilled = unchecked(f.spill[k >> 3]);
  if (!spilled || unchecked(f.spillSize[k >> 3]) != 4 || spilled.type != SCALAR || !spilled.isConst()) return false;
  return spilled.v < <u64>(<u32>m.maxEntries);
}


function checkCtxArg(i: i32, n: i32, r: Reg): bool {
  if (r.type != PTR_TO_CTX) return fail(i, R(n) + ' type=' + typeName(r.type) + ' expected=ctx');
  if (r.off != 0) return fail(i, 'dereference of modified ctx ptr ' + R(n) + ' off=' + r.off.toString() + ' disallowed');
  if (!r.isConst() || r.v != 0) return fail(i, 'variable ctx access var_off=' + tnumText(r.v, r.m) + ' disallowed');
  return true;
}

/**
 * A socket argument (ARG_PTR_TO_BTF_ID_SOCK_COMMON): a full or common socket, as a hook's
 * ctx->sk or a null-checked skb->sk gives it, at its start. The kernel lists every type it
 * would take; the BTF-typed ones (tcp_sock, xdp_sock, ptr_) this verifier never produces.
 */
function checkSockArg(i: i32, n: i32, r: Reg): bool {
  if (r.type != PTR_TO_SOCKET && r.type != PTR_TO_SOCK_COMMON) {
    return fail(i, R(n) + ' type=' + typeName(r.type) + ' expected=sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_');
  }
  if (r.off != 0 || !r.isConst() || r.v != 0) return fail(i, R(n) + ' must have zero offset when passed to release func or trusted arg to kfunc', UNSUPPORTED);
  return true;
}

/** Every packet pointer (registers and spills, all frames) becomes an unknown scalar. */
export function forgetPacketPointers(st: State): void {
  for (let f = 0; f < st.depth; f++) {
    const fr = st.frame(f);
    for (let r = 0; r < 10; r++) {
      const reg = unchecked(fr.regs[r]);
      if (isPacket(reg.type) || reg.type == PTR_TO_PACKET_END) reg.markUnknown();
    }
    for (let s = 0; s < 64; s++) {
      const sp = unchecked(fr.spill[s]);
      if (sp && (isPacket(sp.type) || sp.type == PTR_TO_PACKET_END)) sp.markUnknown();
    }
  }
}

/** A helper call at i: arguments against the prototype, then r0 set and r1-r5 clobbered. */
export function doHelperCall(st: State, i: i32): bool {
  const id = unchecked(prog.imm[i]);
  if (!checkCallWhileLocked(st, i, id)) return false;
  if (!helperAvailable(id)) {
    if (helperKnown(id)) return fail(i, 'program of this type cannot use helper ' + helperName(id));
    return fail(i, 'invalid func ' + helperName(id));
  }
  if (helperGplOnly(id) && !gplCompatible) return fail(i, 'cannot call GPL-restricted function from non-GPL compatible program');
  const p = proto(id);
  if (!p) return fail(i, notModelled(id), UNSUPPORTED);
  let map: i32 = -1;
  let knownPresent = false;
  let memReg: i32 = 0;
  let memKind: u8 = A_NONE;
  let reserveSize: i32 = 0;
  let callback: i32 = -1;
  let timerMap: i32 = -1;
  if (id == FUNC_TAIL_CALL && !checkNoReferences(st, i, 'tail_call')) return false;
  if (id == FUNC_TAIL_CALL && inCallback(st)) return fail(i, 'a tail call from a callback is not modelled by this verifier', UNSUPPORTED);
  for (let n = 1; n <= 5; n++) {
    const kind = p.arg(n);
    if (kind == A_NONE) break;
    const r = st.reg(n);
    if (r.type == NOT_INIT) return fail(i, R(n) + ' !read_ok');
    if (kind == A_ANY) continue;
    if (kind == A_CTX) {
      if (!checkCtxArg(i, n, r)) return false;
    } else if (kind == A_CTX_OR_NULL) {
      if (!r.isZero() && !checkCtxArg(i, n, r)) return false;
    } else if (kind == A_MAP) {
      if (r.type != CONST_PTR_TO_MAP) return fail(i, R(n) + ' type=' + typeName(r.type) + ' expected=map_ptr');
      map = r.map;
      const mt = prog.maps[map].type;
      if (p.mapTypes != 0 && (mt >= 32 || (p.mapTypes & (<u32>1 << <u32>mt)) == 0)) {
        return fail(i, 'cannot pass map_type ' + mt.toString() + ' into func ' + helperName(id));
      }
    } else if (kind == A_SOCK) {
      if (!checkSockArg(i, n, r)) return false;
    } else if (kind == A_VALUE_OR_NULL && r.isZero()) {
      continue;
    } else if (kind == A_KEY || kind == A_VALUE || kind == A_VALUE_OR_NULL) {
      if (map < 0) return fail(i, 'invalid map_ptr to access map->key', UNSUPPORTED);
      const m = prog.maps[map];
      if (kind == A_KEY) knownPresent = constArrayKey(st, r, map);
      if (!checkHelperMem(st, i, n, kind == A_KEY ? m.keySize : m.valueSize, false)) return false;
    } else if (kind == A_MEM_RO || kind == A_MEM_RO_OR_NULL || kind == A_MEM_UNINIT || kind == A_MEM_RW) {
      memReg = n;
      memKind = kind;
      if (r.type == SCALAR && !(kind == A_MEM_RO_OR_NULL && r.isZero())) {
        return fail(i, R(n) + ' type=scalar expected=fp, pkt, pkt_meta, map_key, map_value');
      }
    } else if (kind == A_CALLBACK) {
      callback = callbackTarget(i, n, r);
      if (callback < 0) return false;
    } else if (kind == A_CALLBACK_CTX) {
      if (!checkCallbackContext(i, n, r)) return false;
    } else if (kind == A_RESERVE_SIZE) {
      if (!checkReserveSize(st, i, n, r)) return false;
      reserveSize = <i32>r.v;
    } else if (kind == A_RECORD_RELEASE) {
      if (!releaseRecord(st, i, n)) return false;
    } else if (kind == A_TIMER) {
      timerMap = checkTimerArg(i, n, r);
      if (timerMap < 0) return false;
    } else if (kind == A_TIMER_MAP) {
      if (!checkTimerMap(i, n, r, timerMap)) return false;
    } else if (kind == A_SPIN_LOCK) {
      if (!doSpinLock(st, i, id == FUNC_SPIN_LOCK)) return false;
    } else if (kind == A_SIZE || kind == A_SIZE_OR_ZERO) {
      if (!checkSizeArg(st, i, n, r, kind == A_SIZE_OR_ZERO, memReg, memKind)) return false;
    }
  }
  // A timer's callback gets the timer's map.
  if (callback >= 0 && !enterCallback(st, i, id, callback, unchecked(cfgSubprogOf[callback]), id == FUNC_TIMER_SET_CALLBACK ? timerMap : map)) return false;
  if (p.changesPacket) forgetPacketPointers(st);
  const r0 = st.reg(0);
  if (p.ret == RET_VOID) r0.markNotInit();
  else if (p.ret == RET_MAP_VALUE_OR_NULL) {
    r0.markPointer(knownPresent ? PTR_TO_MAP_VALUE : PTR_TO_MAP_VALUE_OR_NULL);
    r0.map = map;
    if (!knownPresent || spinLockOffset(map) >= 0) r0.id = newId();
  } else if (p.ret == RET_RINGBUF_MEM_OR_NULL) reserveResult(st, i, reserveSize);
  else r0.markUnknown();
  for (let n = 1; n <= 5; n++) st.reg(n).markNotInit();
  return true;
}

function checkSizeArg(st: State, i: i32, n: i32, r: Reg, zeroOk: bool, memReg: i32, memKind: u8): bool {
  if (r.type != SCALAR) return fail(i, R(n) + ' type=' + typeName(r.type) + ' expected=scalar');
  if (r.smin < 0) return fail(i, R(n) + " min value is negative, either use unsigned or 'var &= const'");
  if (r.umin == 0 && !zeroOk) {
    return fail(i, R(n) + ' invalid zero-sized read: u64=[' + r.umin.toString() + ',' + r.umax.toString() + ']');
  }
  if (r.umax >= <u64>MAX_VAR_OFF) {
    return fail(i, R(n) + " unbounded memory access, use 'var &= const' or 'if (var < const)'");
  }
  const mem = st.reg(memReg);
  if (mem.isZero()) {
    if (r.umax != 0) return fail(i, R(memReg) + ' type=scalar expected=fp, pkt, pkt_meta, map_key, map_value');
    return true;
  }
  const write = memKind == A_MEM_UNINIT || memKind == A_MEM_RW;
  const read = memKind != A_MEM_UNINIT;
  // The whole range up to the largest size must be accessible.
  if (read && !checkHelperMem(st, i, memReg, <i32>r.umax, false)) return false;
  if (write && !checkHelperMem(st, i, memReg, <i32>r.umax, true)) return false;
  return true;
}

/** A BPF-to-BPF call at i into the function starting at `target`, subprogram `subprog`. */
export function doLocalCall(st: State, i: i32, target: i32, subprog: i32): bool {
  if (st.depth >= MAX_FRAMES) {
    return fail(i, 'the call stack of ' + (st.depth + 1).toString() + ' frames is too deep !');
  }
  const caller = st.cur;
  const callee = st.pushFrame(i, subprog);
  for (let n = 1; n <= 5; n++) unchecked(callee.regs[n]).copyFrom(unchecked(caller.regs[n]));
  st.pc = target;
  return true;
}

/** Results of an exit. */
export const EXIT_RETURNED: i32 = 0;
export const EXIT_PROGRAM_DONE: i32 = 1;
export const EXIT_ERROR: i32 = -1;

export function doExit(st: State, i: i32): i32 {
  if (st.cur.callback == CALLBACK_TIMER) return exitAsyncCallback(st, i) ? EXIT_PROGRAM_DONE : EXIT_ERROR;
  if (st.cur.callback != CALLBACK_NONE) return exitCallback(st, i) ? EXIT_RETURNED : EXIT_ERROR;
  if (st.depth > 1) {
    const callee = st.cur;
    const r0 = unchecked(callee.regs[0]);
    if (r0.type == PTR_TO_STACK && r0.frame == callee.frameno) {
      fail(i, 'cannot return stack pointer to the caller frame');
      return EXIT_ERROR;
    }
    const callsite = callee.callsite;
    retTmp.copyFrom(r0);
    st.popFrame();
    st.reg(0).copyFrom(retTmp);
    for (let n = 1; n <= 5; n++) st.reg(n).markNotInit();
    st.pc = callsite + 1;
    return EXIT_RETURNED;
  }
  if (!checkExitUnlocked(st, i)) return EXIT_ERROR;
  if (!checkNoReferences(st, i, 'BPF_EXIT instruction in main prog')) return EXIT_ERROR;
  return checkReturn(i, st.reg(0)) ? EXIT_PROGRAM_DONE : EXIT_ERROR;
}

let retTmp: Reg = changetype<Reg>(0);
/** The subprogram of each instruction (cfg.ts), for callbacks' frames. */
let cfgSubprogOf: StaticArray<i32> = changetype<StaticArray<i32>>(0);

export function initCall(): void {
  retTmp = new Reg();
  initCallbacks();
  initReferences();
}

export function setCallSubprogs(subprogOf: StaticArray<i32>): void {
  cfgSubprogOf = subprogOf;
}
