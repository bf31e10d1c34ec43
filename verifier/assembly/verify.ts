// The walk: every path from the entry, instruction by instruction, forking at undecided
// branches (depth first, as the kernel does), pruning at prune points, until every path ends
// at an exit or one breaks a rule. Counts what the kernel counts: processed insns and states.

import { doAlu } from './alu';
import { registersValid } from './encoding';
import { buildCfg, Cfg, jumpTarget } from './cfg';
import { doExit, doHelperCall, doLocalCall, EXIT_ERROR, EXIT_PROGRAM_DONE, setCallSubprogs } from './call';
import { loadFuncRef, markCallbackSites, takeCallbackEntry } from './callbacks';
import { checkExitUnlocked, checkGlobalCallUnlocked, mapAllowedForProgram } from './spin-lock';
import { selectCtx } from './ctx';
import { fail, failed, MALFORMED, TOO_COMPLEX, UNSUPPORTED } from './errors';
import { addDecided, decideJump, GO_BOTH, GO_ERROR, GO_TAKEN, learnFromJump, resetDecided } from './jump';
import { computeLiveness, computeSlotLiveness } from './liveness';
import { computeStackRefs } from './stack-refs';
import { computeCallerPointers } from './caller-pointers';
import { computeArgPointers } from './arg-pointers';
import { seedSinks } from './const-hints';
import { computePrecision, precRegs, precSlots } from './precision';
import { checkLoad, checkStore } from './memory';
import { checkAtomic } from './atomic';
import { attachGlobalFuncs, callGlobal, enterGlobal, exitGlobal, globalOf, nextGlobalToWalk, resetGlobalWalks } from './global-funcs';
import {
  CALL_HELPER, CALL_LOCAL, CLS_ALU, CLS_ALU64, CLS_JMP, CLS_JMP32, CLS_LD, CLS_LDX, CLS_ST, CLS_STX, JMP_CALL, JMP_EXIT,
  JMP_JA, LD_IMM64, MODE_ATOMIC, MODE_MEM, MODE_MEMSX, PSEUDO_MAP_FD, PSEUDO_MAP_IDX, PSEUDO_MAP_IDX_VALUE,
  PSEUDO_MAP_VALUE, PSEUDO_FUNC, SZ_DW, classOf, modeOf, opOf, sizeBytes,
} from './opcode';
import { prog } from './program';
import { MAP_ARRAY } from './uapi';
import { countProcessed, initPrune, noteFork, notePathEnd, relaxed, relaxedOverflow, visitPrunePoint, VISIT_LOOP, VISIT_PRUNED } from './prune';
import { CONST_PTR_TO_MAP, PTR_TO_CTX, PTR_TO_MAP_VALUE } from './reg';
import { STACK_SIZE, State, allocState, cloneState, freeState } from './state';

export const INSN_LIMIT: i32 = 1000000;

export let processed: i32 = 0;
/** Walks made (see run) and branches taken as uses of precision in the last one. */
export let walks: i32 = 0;
export let sinkCount: i32 = 0;
/** Deepest stack use of each subprogram, in bytes (positive). */
export let subprogDepth: StaticArray<i32> = changetype<StaticArray<i32>>(0);

const STEP_NEXT: i32 = 0;
const STEP_END: i32 = 1;
const STEP_ERROR: i32 = 2;

let cfg: Cfg = changetype<Cfg>(0);
let pending: Array<State> = changetype<Array<State>>(0);

/** Verifies `prog`; the outcome is in errors.ts (verdict, message, instruction). */
export function run(): void {
  processed = 0;
  walks = 0;
  sinkCount = 0;
  subprogDepth = new StaticArray<i32>(0);
  if (!selectCtx()) {
    fail(0, 'program type ' + prog.progType.toString() + ' (attach type ' + prog.attachType.toString() +
      ') is not modelled by this verifier', UNSUPPORTED);
    return;
  }
  const c = buildCfg();
  if (!c) return;
  cfg = c;
  markCallbackSites(cfg);
  setCallSubprogs(cfg.subprogOf);
  attachGlobalFuncs(cfg);
  computeArgPointers(cfg);
  computeStackRefs(cfg);
  computeCallerPointers(cfg);
  const live = computeLiveness(cfg);
  const liveSlots = computeSlotLiveness(cfg);
  // Branches count as uses of a value's precision only where some walk decided them by value
  // (the kernel's rule, found path by path there): walk, collect the branches decided, and walk
  // again with those as uses until no new one appears. Errors found on any walk are real.
  const sinks = new StaticArray<bool>(prog.count);
  seedSinks(cfg, sinks);
  walks = 0;
  for (let attempt = 0; ; attempt++) {
    walks++;
    if (attempt == MAX_ATTEMPTS) for (let i = 0; i < prog.count; i++) unchecked((sinks[i] = true));
    resetDecided(prog.count);
    computePrecision(cfg, sinks);
    initPrune(cfg, live, liveSlots);
    subprogDepth = new StaticArray<i32>(cfg.subprogStart.length);
    processed = 0;
    if (!explore()) return;
    // A walk stands when the branches it decided were already counted, or when no value its
    // prunes ignored matters once they are.
    if (attempt == MAX_ATTEMPTS || (relaxed.length == 0 && !relaxedOverflow) || !addDecided(sinks)) break;
    if (!relaxedOverflow) {
      computePrecision(cfg, sinks);
      if (!ignoredNowMatter()) break;
    }
    sinkCount = 0;
    for (let i = 0; i < prog.count; i++) if (unchecked(sinks[i])) sinkCount++;
  }
  checkStackDepth();
}

/** Whether a value some prune of the last walk ignored is precise under the new sinks. */
function ignoredNowMatter(): bool {
  for (let k = 0; k < relaxed.length; k++) {
    const v = unchecked(relaxed[k]);
    const insn = v >> 7;
    const item = v & 127;
    if (item < 64) {
      if ((<i32>unchecked(precRegs[insn]) & (1 << item)) != 0) return true;
    } else if ((unchecked(precSlots[insn]) & (<u64>1 << <u64>(item - 64))) != 0) return true;
  }
  return false;
}

/** Walks the attempts' limit before every branch is taken as a use. */
const MAX_ATTEMPTS: i32 = 6;

/**
 * The next path to walk: a pending branch, else the next global function called so far (each
 * is verified on its own, after the main program, as the kernel does); null when none is left
 * or on an error (see failed()).
 */
function nextPath(): State | null {
  if (pending.length) return pending.pop();
  const g = nextGlobalToWalk();
  if (!g) return null;
  const st = allocState();
  if (!enterGlobal(st, g)) return null;
  return st;
}

/** One walk over every path; false after an error. */
function explore(): bool {
  pending = new Array<State>();
  resetGlobalWalks();
  let st = allocState();
  st.pushFrame(-1, 0);
  st.reg(1).markPointer(PTR_TO_CTX);
  st.pc = 0;
  for (;;) {
    const pc = st.pc;
    if (unchecked(cfg.prunePoint[pc])) {
      const v = visitPrunePoint(st, pc);
      if (v == VISIT_LOOP) return false;
      if (v == VISIT_PRUNED) {
        notePathEnd(st);
        freeState(st);
        const next = nextPath();
        if (!next) return !failed();
        st = next;
        continue;
      }
    }
    processed++;
    countProcessed();
    if (processed > INSN_LIMIT) {
      fail(pc, 'BPF program is too large. Processed ' + processed.toString() + ' insn', TOO_COMPLEX);
      return false;
    }
    const r = step(st, pc);
    if (r == STEP_ERROR) return false;
    if (r == STEP_END) {
      recordDepths(st);
      notePathEnd(st);
      freeState(st);
      const next = nextPath();
      if (!next) return !failed();
      st = next;
    }
  }
  return true;
}

function recordDepths(st: State): void {
  for (let f = 0; f < st.depth; f++) noteFrameDepth(st, f);
}

function noteFrameDepth(st: State, f: i32): void {
  const fr = st.frame(f);
  const d = -fr.depth;
  if (d > unchecked(subprogDepth[fr.subprog])) unchecked((subprogDepth[fr.subprog] = d));
}

/** The combined stack of any chain of calls stays within 512 bytes (frames rounded to 32). */
function checkStackDepth(): void {
  for (let sp = 0; sp < subprogDepth.length; sp++) {
    const d = unchecked(subprogDepth[sp]);
    if (d > STACK_SIZE) {
      fail(cfg.subprogStart[sp], 'stack depth ' + d.toString() + ' of subprogram ' + sp.toString() + ' is too large');
      return;
    }
  }
  if (subprogDepth.length > 1) maxChain(0, 0, 1);
}

function frameSize(sp: i32): i32 {
  const d = unchecked(subprogDepth[sp]);
  return ((d > 0 ? d : 1) + 31) & ~31;
}

function maxChain(sp: i32, above: i32, calls: i32): void {
  if (failed() || calls > 8) return;
  const total = above + frameSize(sp);
  if (total > STACK_SIZE) {
    fail(cfg.subprogStart[sp], 'combined stack size of ' + calls.toString() + ' calls is ' + total.toString() + '. Too large');
    return;
  }
  const end = cfg.subprogEnd(sp);
  for (let i = cfg.subprogStart[sp]; i < end; i++) {
    // Callbacks (a function's address taken) run on top of their caller's frame, like calls.
    const code = unchecked(prog.code[i]);
    if ((code == (CLS_JMP | JMP_CALL) && unchecked(prog.src[i]) == CALL_LOCAL) || (code == LD_IMM64 && unchecked(prog.src[i]) == PSEUDO_FUNC)) {
      maxChain(unchecked(cfg.subprogOf[i + unchecked(prog.imm[i]) + 1]), total, calls + 1);
    }
  }
}

function step(st: State, i: i32): i32 {
  if (!registersValid(i)) return STEP_ERROR;
  const code = unchecked(prog.code[i]);
  const cls = classOf(code);
  if (cls == CLS_ALU || cls == CLS_ALU64) {
    if (!doAlu(st, i)) return STEP_ERROR;
    st.pc = i + 1;
    return STEP_NEXT;
  }
  if (cls == CLS_LDX) {
    const mode = modeOf(code);
    const d = <i32>unchecked(prog.dst[i]);
    const s = <i32>unchecked(prog.src[i]);
    if (d == 10) return err(i, 'frame pointer is read only');
    if (!checkLoad(st, i, d, s, <i32>unchecked(prog.off[i]), sizeBytes(code), mode == MODE_MEMSX)) return STEP_ERROR;
    st.pc = i + 1;
    return STEP_NEXT;
  }
  if (cls == CLS_ST || cls == CLS_STX) {
    const mode = modeOf(code);
    const d = <i32>unchecked(prog.dst[i]);
    const s = <i32>unchecked(prog.src[i]);
    if (cls == CLS_STX && mode == MODE_ATOMIC) {
      if (!checkAtomic(st, i)) return STEP_ERROR;
      st.pc = i + 1;
      return STEP_NEXT;
    }
    const srcno = cls == CLS_STX ? s : -1;
    if (!checkStore(st, i, d, <i32>unchecked(prog.off[i]), sizeBytes(code), srcno, unchecked(prog.imm[i]))) return STEP_ERROR;
    st.pc = i + 1;
    return STEP_NEXT;
  }
  if (cls == CLS_LD) {
    if (code != LD_IMM64) {
      fail(i, 'legacy packet access (BPF_LD ABS/IND) is not modelled by this verifier', UNSUPPORTED);
      return STEP_ERROR;
    }
    if (!doLdImm64(st, i)) return STEP_ERROR;
    st.pc = i + 2;
    return STEP_NEXT;
  }
  return doJmp(st, i, cls);
}

function err(i: i32, message: string): i32 {
  fail(i, message);
  return STEP_ERROR;
}

function doLdImm64(st: State, i: i32): bool {
  const d = <i32>unchecked(prog.dst[i]);
  const src = unchecked(prog.src[i]);
  if (unchecked(prog.off[i]) != 0) return fail(i, 'invalid bpf_ld_imm64 insn', MALFORMED);
  if (d == 10) return fail(i, 'frame pointer is read only');
  const r = st.reg(d);
  if (src == 0) {
    r.markConst(prog.imm64(i));
    return true;
  }
  if (src == PSEUDO_MAP_IDX || src == PSEUDO_MAP_IDX_VALUE) {
    // Map indexes into fd_array: the loader passes none (maps come as fds).
    return fail(i, 'fd_idx without fd_array is invalid', MALFORMED);
  }
  if (src == PSEUDO_MAP_FD || src == PSEUDO_MAP_VALUE) {
    const idx = unchecked(prog.imm[i]);
    if (idx < 0 || idx >= prog.maps.length) return fail(i, 'fd ' + idx.toString() + ' is not pointing to valid bpf_map', MALFORMED);
    if (!mapAllowedForProgram(i, idx)) return false;
    if (src == PSEUDO_MAP_FD) {
      if (unchecked(prog.immHi[i]) != 0) return fail(i, 'invalid bpf_ld_imm64 insn', MALFORMED);
      r.markPointer(CONST_PTR_TO_MAP);
      r.map = idx;
      return true;
    }
    const m = prog.maps[idx];
    const off = unchecked(prog.immHi[i]);
    if (m.type != MAP_ARRAY || m.maxEntries != 1) {
      return fail(i, 'direct value access on this map type is not modelled by this verifier', UNSUPPORTED);
    }
    if (off < 0 || off >= m.valueSize) {
      return fail(i, 'invalid access to map value pointer, value_size=' + m.valueSize.toString() + ' off=' + (<u32>off).toString(), MALFORMED);
    }
    r.markPointer(PTR_TO_MAP_VALUE);
    r.map = idx;
    r.off = off;
    return true;
  }
  if (src == PSEUDO_FUNC) {
    const target = i + unchecked(prog.imm[i]) + 1;
    // A function's address is taken for a callback, which must be static (the kernel checks here).
    if (globalOf(unchecked(cfg.subprogOf[target]))) return fail(i, 'callback function not static');
    loadFuncRef(st, d, target);
    return true;
  }
  return fail(i, 'ld_imm64 of a kernel symbol (BTF id, kind ' + src.toString() + ') is not supported by this verifier yet', UNSUPPORTED);
}

function doJmp(st: State, i: i32, cls: u8): i32 {
  const code = unchecked(prog.code[i]);
  const op = opOf(code);
  const d = <i32>unchecked(prog.dst[i]);
  const s = unchecked(prog.src[i]);
  const off = unchecked(prog.off[i]);
  const imm = unchecked(prog.imm[i]);
  if (op == JMP_JA) {
    st.pc = jumpTarget(i);
    return STEP_NEXT;
  }
  if (op == JMP_CALL || op == JMP_EXIT) {
    if (op == JMP_EXIT) {
      const f = st.depth - 1;
      noteFrameDepth(st, f);
      const g = st.depth == 1 ? globalOf(st.frame(0).subprog) : null;
      if (g) return checkExitUnlocked(st, i) && exitGlobal(st, i, g) ? STEP_END : STEP_ERROR;
      const r = doExit(st, i);
      if (r == EXIT_ERROR) return STEP_ERROR;
      return r == EXIT_PROGRAM_DONE ? STEP_END : STEP_NEXT;
    }
    if (s == CALL_HELPER) {
      if (!doHelperCall(st, i)) return STEP_ERROR;
      const run = takeCallbackEntry();
      if (run) {
        noteFork(st);
        pending.push(run);
      }
      st.pc = i + 1;
      return STEP_NEXT;
    }
    if (s == CALL_LOCAL) {
      const target = i + imm + 1;
      const g = globalOf(unchecked(cfg.subprogOf[target]));
      if (g) {
        if (!checkGlobalCallUnlocked(st, i) || !callGlobal(st, i, g)) return STEP_ERROR;
        st.pc = i + 1;
        return STEP_NEXT;
      }
      return doLocalCall(st, i, target, unchecked(cfg.subprogOf[target])) ? STEP_NEXT : STEP_ERROR;
    }
    fail(i, 'calls to kernel functions (kfuncs) are not modelled by this verifier', UNSUPPORTED);
    return STEP_ERROR;
  }
  const go = decideJump(st, i);
  if (go == GO_ERROR) return STEP_ERROR;
  const target = jumpTarget(i);
  if (go == GO_BOTH) {
    const other = cloneState(st);
    learnFromJump(other, i, true);
    other.pc = target;
    noteFork(st);
    pending.push(other);
    learnFromJump(st, i, false);
    st.pc = i + 1;
  } else {
    st.pc = go == GO_TAKEN ? target : i + 1;
  }
  return STEP_NEXT;
}

