// The verifier's state on one path: a stack of call frames (registers, 512 bytes of stack whose
// bytes are typed, spilled registers), the references held, and where the path is. States are
// recycled through pools: the runtime has no collector, and paths come and go by the thousand.

import { PTR_TO_STACK, Reg } from './reg';

export const STACK_SIZE: i32 = 512;
export const MAX_FRAMES: i32 = 8;

/** What a stack byte holds. */
export const STACK_INVALID: u8 = 0;
export const STACK_MISC: u8 = 1;
export const STACK_ZERO: u8 = 2;
export const STACK_SPILL: u8 = 3;

export class Frame {
  regs: StaticArray<Reg> = new StaticArray<Reg>(11);
  /** Byte types, indexed by 512 + offset from the frame pointer. */
  slot: StaticArray<u8> = new StaticArray<u8>(STACK_SIZE);
  /** A spilled register per 8-byte slot (index (512 + offset) / 8), or null. */
  spill: StaticArray<Reg | null> = new StaticArray<Reg | null>(STACK_SIZE / 8);
  /** Bytes the spill covers from the slot's start: 8, or 1/2/4 for a narrow scalar store. */
  spillSize: StaticArray<u8> = new StaticArray<u8>(STACK_SIZE / 8);
  /** Instruction index of the call that made this frame; -1 for the main program. */
  callsite: i32 = -1;
  /** Index of the subprogram this frame runs. */
  subprog: i32 = 0;
  /** Position in the call stack, 0 for the main program. */
  frameno: i32 = 0;
  /** Lowest offset from the frame pointer written or read (for the combined stack limit). */
  depth: i32 = 0;
  /** Which helper called this frame's function back (callbacks.ts), 0 for an ordinary call. */
  callback: i32 = 0;
  /** Whether its caller held references when the helper called this frame back (callbacks.ts). */
  heldRefs: bool = false;

  constructor() {
    for (let i = 0; i < 11; i++) unchecked((this.regs[i] = new Reg()));
  }

  reset(frameno: i32, callsite: i32, subprog: i32): void {
    for (let i = 0; i < 11; i++) unchecked(this.regs[i]).markNotInit();
    const r10 = unchecked(this.regs[10]);
    r10.markPointer(PTR_TO_STACK);
    r10.frame = frameno;
    memory.fill(changetype<usize>(this.slot), 0, STACK_SIZE);
    memory.fill(changetype<usize>(this.spillSize), 0, STACK_SIZE / 8);
    for (let i = 0; i < STACK_SIZE / 8; i++) {
      const s = unchecked(this.spill[i]);
      if (s) {
        freeReg(s);
        unchecked((this.spill[i] = null));
      }
    }
    this.frameno = frameno;
    this.callsite = callsite;
    this.subprog = subprog;
    this.depth = 0;
    this.callback = 0;
    this.heldRefs = false;
  }

  copyFrom(o: Frame): void {
    for (let i = 0; i < 11; i++) unchecked(this.regs[i]).copyFrom(unchecked(o.regs[i]));
    memory.copy(changetype<usize>(this.slot), changetype<usize>(o.slot), STACK_SIZE);
    memory.copy(changetype<usize>(this.spillSize), changetype<usize>(o.spillSize), STACK_SIZE / 8);
    for (let i = 0; i < STACK_SIZE / 8; i++) {
      const theirs = unchecked(o.spill[i]);
      let mine = unchecked(this.spill[i]);
      if (theirs) {
        if (!mine) {
          mine = allocReg();
          unchecked((this.spill[i] = mine));
        }
        mine.copyFrom(theirs);
      } else if (mine) {
        freeReg(mine);
        unchecked((this.spill[i] = null));
      }
    }
    this.callsite = o.callsite;
    this.subprog = o.subprog;
    this.frameno = o.frameno;
    this.depth = o.depth;
    this.callback = o.callback;
    this.heldRefs = o.heldRefs;
  }

  /** The spill register of slot `k`, made if missing. */
  spillAt(k: i32): Reg {
    let s = unchecked(this.spill[k]);
    if (!s) {
      s = allocReg();
      unchecked((this.spill[k] = s));
    }
    return s;
  }

  dropSpill(k: i32): void {
    const s = unchecked(this.spill[k]);
    unchecked((this.spillSize[k] = 0));
    if (s) {
      freeReg(s);
      unchecked((this.spill[k] = null));
    }
  }
}

export class State {
  frames: StaticArray<Frame | null> = new StaticArray<Frame | null>(MAX_FRAMES);
  depth: i32 = 0;
  /** Ids of references (sockets) acquired and not yet released. */
  refs: Array<u32> = new Array<u32>();
  /** The bpf_spin_lock held (spin-lock.ts): the map of the value it is in, -1 for none, and the
   *  id of the lookup the value came from. */
  lockMap: i32 = -1;
  lockId: u32 = 0;
  pc: i32 = 0;
  /** The latest explored-state checkpoint on this path (for pruning bookkeeping). */
  checkpoint: usize = 0;

  get cur(): Frame {
    return changetype<Frame>(unchecked(this.frames[this.depth - 1]));
  }

  frame(i: i32): Frame {
    return changetype<Frame>(unchecked(this.frames[i]));
  }

  reg(i: i32): Reg {
    return unchecked(this.cur.regs[i]);
  }

  pushFrame(callsite: i32, subprog: i32): Frame {
    const f = allocFrame();
    f.reset(this.depth, callsite, subprog);
    unchecked((this.frames[this.depth] = f));
    this.depth++;
    return f;
  }

  popFrame(): void {
    this.depth--;
    freeFrame(changetype<Frame>(unchecked(this.frames[this.depth])));
    unchecked((this.frames[this.depth] = null));
  }

  copyFrom(o: State): void {
    while (this.depth > o.depth) this.popFrame();
    while (this.depth < o.depth) {
      unchecked((this.frames[this.depth] = allocFrame()));
      this.depth++;
    }
    for (let i = 0; i < o.depth; i++) this.frame(i).copyFrom(o.frame(i));
    this.refs.length = 0;
    for (let i = 0; i < o.refs.length; i++) this.refs.push(unchecked(o.refs[i]));
    this.lockMap = o.lockMap;
    this.lockId = o.lockId;
    this.pc = o.pc;
    this.checkpoint = o.checkpoint;
  }

  release(): void {
    while (this.depth > 0) this.popFrame();
    this.refs.length = 0;
    this.lockMap = -1;
    this.lockId = 0;
    this.checkpoint = 0;
  }
}

// Pools. Objects go back when a path ends; explored-state snapshots keep theirs. Made anew by
// initPools after each heap reset (see index.ts), like every module-level object here.
let regPool: Array<Reg> = changetype<Array<Reg>>(0);
let framePool: Array<Frame> = changetype<Array<Frame>>(0);
let statePool: Array<State> = changetype<Array<State>>(0);

export function allocReg(): Reg {
  return regPool.length ? regPool.pop() : new Reg();
}

export function freeReg(r: Reg): void {
  regPool.push(r);
}

function allocFrame(): Frame {
  return framePool.length ? framePool.pop() : new Frame();
}

function freeFrame(f: Frame): void {
  framePool.push(f);
}

export function allocState(): State {
  return statePool.length ? statePool.pop() : new State();
}

export function freeState(s: State): void {
  s.release();
  statePool.push(s);
}

export function cloneState(s: State): State {
  const c = allocState();
  c.copyFrom(s);
  return c;
}

/** New, empty pools: called at the start of each verification, after the heap is reset. */
export function initPools(): void {
  regPool = new Array<Reg>();
  framePool = new Array<Frame>();
  statePool = new Array<State>();
}
