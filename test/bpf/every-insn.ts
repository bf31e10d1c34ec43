// One instruction of every form the ISA defines, built through the assembler: the shared input
// of the round-trip, listing and llvm-objdump tests.

import * as a from '../../compiler/bpf/asm.ts';
import type { Insn } from '../../compiler/bpf/insn.ts';
import { R0, R1, R2, R3, R6, R9, R10 } from '../../compiler/bpf/register.ts';
import type { AtomicName } from '../../compiler/bpf/asm.ts';

type Alu = (d: typeof R1, s: typeof R1 | number) => Insn;
const alu64: Alu[] = [a.add64, a.sub64, a.mul64, a.div64, a.sdiv64, a.or64, a.and64, a.lsh64, a.rsh64, a.mod64, a.smod64, a.xor64, a.mov64, a.arsh64];
const alu32: Alu[] = [a.add32, a.sub32, a.mul32, a.div32, a.sdiv32, a.or32, a.and32, a.lsh32, a.rsh32, a.mod32, a.smod32, a.xor32, a.mov32, a.arsh32];
type Jmp = (d: typeof R1, s: typeof R1 | number, t: number) => Insn;
const jmp64: Jmp[] = [a.jeq, a.jgt, a.jge, a.jset, a.jne, a.jsgt, a.jsge, a.jlt, a.jle, a.jslt, a.jsle];
const jmp32: Jmp[] = [a.jeq32, a.jgt32, a.jge32, a.jset32, a.jne32, a.jsgt32, a.jsge32, a.jlt32, a.jle32, a.jslt32, a.jsle32];
const atomics: AtomicName[] = ['add', 'or', 'and', 'xor', 'fetch_add', 'fetch_or', 'fetch_and', 'fetch_xor', 'xchg', 'cmpxchg'];

/** Every instruction form, with numeric jump offsets (so it needs no labels). */
export function everyInsn(): Insn[] {
  const out: Insn[] = [];
  for (const f of [...alu64, ...alu32]) out.push(f(R1, R2), f(R3, -7), f(R9, 0x7fff));
  out.push(a.neg64(R1), a.neg32(R2));
  out.push(a.movsx64(R1, R2, 8), a.movsx64(R1, R2, 16), a.movsx64(R1, R2, 32), a.movsx32(R1, R2, 8), a.movsx32(R1, R2, 16));
  for (const f of [a.be16, a.be32, a.be64, a.le16, a.le32, a.le64, a.bswap16, a.bswap32, a.bswap64]) out.push(f(R6));
  for (const f of [...jmp64, ...jmp32]) out.push(f(R1, R2, 3), f(R1, -1, -2));
  out.push(a.ja(0), a.ja(-1), a.gotol(70000), a.gotol(-3));
  out.push(a.call('map_lookup_elem'), a.call(12), a.callLocal(-20), a.callKfunc(1234), a.exit());
  for (const s of ['u8', 'u16', 'u32', 'u64'] as const) {
    out.push(a.ldx(s, R1, R6, 4), a.stx(s, R10, -8, R1), a.st(s, R10, -16, -3));
  }
  for (const s of ['s8', 's16', 's32'] as const) out.push(a.ldx(s, R2, R1, -6));
  for (const size of ['u32', 'u64'] as const) for (const n of atomics) out.push(a.atomic(n, size, R1, 8, R2));
  for (const s of ['u8', 'u16', 'u32'] as const) out.push(a.ldAbs(s, 12), a.ldInd(s, R1, 2));
  out.push(
    a.ldImm64(R0, 0x1234_5678_9abc_def0n),
    a.ldImm64(R1, -1),
    a.ldImm64(R2, 7),
    a.ldBtfId(R3, 99),
    a.ldFunc(R2, 5),
  );
  return out;
}
