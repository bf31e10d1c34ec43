// Mutants of valid programs, the faults a datapath author (or a compiler bug) makes: a bounds
// check dropped, a packet offset shifted, a null check skipped, a stack slot read before it is
// written, a helper given a wrong argument, an out-of-range return value, a misaligned access.
// Each operator rewrites instruction slots in place, so jump offsets stay valid.

import type { VerifyInput } from '../../verifier/input.ts';

export interface Mutant {
  /** `operator@slot`, unique per base program. */
  id: string;
  operator: string;
  input: VerifyInput;
}

const LD_IMM64 = 0x18;
const JA = 0x05;
const EXIT = 0x95;
const CALL = 0x85;

interface Slot {
  at: number;
  code: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

function slots(insns: Uint8Array): Slot[] {
  const v = new DataView(insns.buffer, insns.byteOffset, insns.byteLength);
  const out: Slot[] = [];
  for (let at = 0; at < insns.length / 8; at++) {
    const b = at * 8;
    out.push({ at, code: insns[b]!, dst: insns[b + 1]! & 15, src: insns[b + 1]! >> 4, off: v.getInt16(b + 2, true), imm: v.getInt32(b + 4, true) });
    if (insns[b] === LD_IMM64) at++;
  }
  return out;
}

function write(insns: Uint8Array, at: number, code: number, dst: number, src: number, off: number, imm: number): void {
  const v = new DataView(insns.buffer, insns.byteOffset, insns.byteLength);
  insns[at * 8] = code;
  insns[at * 8 + 1] = (src << 4) | dst;
  v.setInt16(at * 8 + 2, off, true);
  v.setInt32(at * 8 + 4, imm, true);
}

/** `goto +0`: an instruction that does nothing, the same size as the one it replaces. */
const nop = (insns: Uint8Array, at: number) => write(insns, at, JA, 0, 0, 0, 0);

const cls = (code: number) => code & 7;
const isCond = (s: Slot) => (cls(s.code) === 5 || cls(s.code) === 6) && ![0x00, 0x80, 0x90].includes(s.code & 0xf0);
const isMem = (s: Slot) => [1, 2, 3].includes(cls(s.code)) && (s.code & 0xe0) === 0x60;

type Operator = (s: Slot, all: Slot[], insns: Uint8Array) => boolean;

/** Each operator returns false when it does not apply at this instruction. */
const operators: Record<string, Operator> = {
  // A comparison of two registers (packet pointer against data_end, most often) never jumps.
  'drop-bounds-check': (s, _a, insns) => {
    if (!isCond(s) || !(s.code & 0x08) || cls(s.code) !== 5) return false;
    nop(insns, s.at);
    return true;
  },
  // The same comparison always jumps.
  'invert-bounds-check': (s, _a, insns) => {
    if (!isCond(s) || !(s.code & 0x08) || cls(s.code) !== 5) return false;
    write(insns, s.at, JA, 0, 0, s.off, 0);
    return true;
  },
  // A load or store through a non-stack pointer moved by one byte or one word.
  'shift-offset-1': (s, _a, insns) => {
    if (!isMem(s) || (cls(s.code) === 1 ? s.src : s.dst) === 10) return false;
    write(insns, s.at, s.code, s.dst, s.src, s.off + 1, s.imm);
    return true;
  },
  'shift-offset-4': (s, _a, insns) => {
    if (!isMem(s) || (cls(s.code) === 1 ? s.src : s.dst) === 10) return false;
    write(insns, s.at, s.code, s.dst, s.src, s.off + 4, s.imm);
    return true;
  },
  // `if rX == 0` (or `!= 0`) against the immediate zero: the null check never fires.
  'skip-null-check': (s, _a, insns) => {
    if (cls(s.code) !== 5 || (s.code & 0x08) || s.imm !== 0 || ((s.code & 0xf0) !== 0x10 && (s.code & 0xf0) !== 0x50)) return false;
    if ((s.code & 0xf0) === 0x10) nop(insns, s.at);
    else write(insns, s.at, JA, 0, 0, s.off, 0);
    return true;
  },
  // A store to the stack is gone, so a later read sees whatever was there.
  'skip-stack-store': (s, _a, insns) => {
    if (!isMem(s) || cls(s.code) === 1 || s.dst !== 10) return false;
    nop(insns, s.at);
    return true;
  },
  // The instruction that set up a helper argument sets it to zero (or to the context).
  'wrong-helper-arg': (s, all, insns) => {
    if (s.code !== CALL || s.src !== 0) return false;
    const prev = all[all.indexOf(s) - 1];
    if (!prev || prev.dst < 1 || prev.dst > 5 || cls(prev.code) === 2 || cls(prev.code) === 3 || cls(prev.code) === 5) return false;
    write(insns, prev.at, 0xb7, prev.dst, 0, 0, prev.dst === 1 ? 0 : 1);
    if (prev.code === LD_IMM64) write(insns, prev.at + 1, JA, 0, 0, 0, 0);
    return true;
  },
  // `r0 = K` right before an exit returns K + 5 instead.
  'bad-return': (s, all, insns) => {
    const next = all[all.indexOf(s) + 1];
    if (!next || next.code !== EXIT || s.code !== 0xb7 || s.dst !== 0) return false;
    write(insns, s.at, 0xb7, 0, 0, 0, s.imm + 5);
    return true;
  },
  // A word load or store moved by two bytes, checked with strict alignment.
  'misalign': (s, _a, insns) => {
    if (!isMem(s) || (s.code & 0x18) !== 0x00) return false;
    write(insns, s.at, s.code, s.dst, s.src, s.off + 2, s.imm);
    return true;
  },
};

export const operatorNames = Object.keys(operators);

/** Every mutant of `base`, one per operator and instruction it applies to (at most `perOperator`). */
export function mutate(base: VerifyInput, perOperator = 1000): Mutant[] {
  const all = slots(base.insns);
  const out: Mutant[] = [];
  for (const [name, op] of Object.entries(operators)) {
    let n = 0;
    for (const s of all) {
      if (n >= perOperator) break;
      const insns = new Uint8Array(base.insns);
      if (!op(s, all, insns)) continue;
      n++;
      out.push({
        id: `${name}@${s.at}`,
        operator: name,
        input: { ...base, name: `${base.name} ${name}@${s.at}`, insns, strictAlignment: name === 'misalign' ? true : base.strictAlignment },
      });
    }
  }
  return out;
}
