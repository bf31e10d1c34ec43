// Calls and exits. A helper is an import taking r1-r5 as f64 and returning r0 as f64: JavaScript
// receives f64 as plain numbers (i64 would cost a BigInt per argument), exact for every value
// below 2^53, which holds for the pointers, sizes, flags, addresses and ports the helpers take.
// A BPF-to-BPF call is a WebAssembly call with the callee's frame pointer 512 bytes below the
// caller's: r6-r9 are the caller's locals, so they survive the call as BPF promises.

import { CallSrc } from '../../compiler/bpf/opcode.ts';
import { helperName } from '../../format/bpf-helpers.ts';
import { STACK_FRAME } from '../layout.ts';
import { TranslateError } from './error.ts';
import { reg } from './alu.ts';
import type { Slot } from './slots.ts';

const args = [1, 2, 3, 4, 5];

export const helperImport = (id: number): string => `$h${id}`;

export function translateCall(s: Slot, functionAt: (slot: number) => number | undefined): { code: string[]; helper?: number } {
  if (s.src === CallSrc.HELPER) {
    if (helperName(s.imm) === undefined) throw new TranslateError(s.at, `call ${s.imm}: not a kernel helper`);
    const code = [...args.flatMap((r) => [`local.get ${reg(r)}`, 'f64.convert_i64_s']), `call ${helperImport(s.imm)}`, 'i64.trunc_sat_f64_s', `local.set ${reg(0)}`];
    return { code, helper: s.imm };
  }
  if (s.src === CallSrc.LOCAL) {
    const target = s.at + 1 + s.imm;
    const fn = functionAt(target);
    if (fn === undefined) throw new TranslateError(s.at, `call to slot ${target}, where no function starts`);
    const code = [...args.map((r) => `local.get ${reg(r)}`), `local.get ${reg(10)}`, `i64.const ${STACK_FRAME}`, 'i64.sub', `call $f${fn}`, `local.set ${reg(0)}`];
    return { code };
  }
  throw new TranslateError(s.at, `call with src ${s.src}: kernel functions (kfuncs) are not supported`);
}

export const translateExit = (): string[] => [`local.get ${reg(0)}`, 'return'];
