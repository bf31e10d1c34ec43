// Labels resolve to slot offsets (counting LD_IMM64 as two), far jumps relax to gotol, map
// references take their fds, and mistakes are reported with the instruction they concern.

import test from 'ava';
import * as a from '../../compiler/bpf/asm.ts';
import { decode } from '../../compiler/bpf/decode.ts';
import { encode } from '../../compiler/bpf/encode.ts';
import { Class, JmpOp, Pseudo } from '../../compiler/bpf/opcode.ts';
import { R0, R1, R2 } from '../../compiler/bpf/register.ts';
import type { Item } from '../../compiler/bpf/insn.ts';

test('labels become offsets counted in slots, LD_IMM64 counting two', (t) => {
  const { insns, labels } = encode([
    a.label('top'),
    a.jeq(R1, 0, 'out'),
    a.ldImm64(R2, 1n << 40n),
    a.ja('top'),
    a.label('out'),
    a.exit(),
  ]);
  t.is(insns[0]!.off, 3);
  t.is(insns[2]!.off, -4);
  t.deepEqual([...labels], [['top', 0], ['out', 4]]);
});

test('calls and function pointers resolve into imm', (t) => {
  const { insns } = encode([a.callLocal('f'), a.ldFunc(R2, 'f'), a.exit(), a.label('f'), a.mov64(R0, 0), a.exit()]);
  t.is(insns[0]!.imm, 3);
  t.is(insns[1]!.imm, 2, 'relative to the slot after the LD_IMM64 first slot, as the kernel reads it');
});

test('map references take their fds, or stay 0 for relocation', (t) => {
  const items = [a.ldMap(R1, 'lb'), a.ldMapValue(R2, 'cfg', 8), a.exit()];
  const withFds = encode(items, { maps: { lb: 5, cfg: 6 } });
  t.is(withFds.insns[0]!.imm, 5);
  t.is(withFds.insns[1]!.imm64, (8n << 32n) | 6n);
  t.deepEqual(
    withFds.mapRefs.map((r) => [r.slot, r.map, r.pseudo]),
    [[0, 'lb', Pseudo.MAP_FD], [2, 'cfg', Pseudo.MAP_VALUE]],
  );
  t.is(encode(items).insns[0]!.imm, 0);
  t.throws(() => encode(items, { maps: { lb: 5 } }), { message: /map cfg has no fd/ });
});

function farProgram(first: Item): Item[] {
  const filler = Array.from({ length: 40000 }, () => a.mov64(R0, 0));
  return [first, ...filler, a.label('far'), a.exit()];
}

test('an unconditional jump beyond 16 bits becomes gotol', (t) => {
  const { insns } = encode(farProgram(a.ja('far')));
  t.is(insns[0]!.op, Class.JMP32 | JmpOp.JA);
  t.is(insns[0]!.imm, 40000);
});

test('a conditional jump beyond 16 bits is inverted over a gotol', (t) => {
  const { insns, bytes } = encode(farProgram(a.jgt(R1, 3, 'far')));
  t.is(insns[0]!.op, Class.JMP | JmpOp.JLE);
  t.is(insns[0]!.off, 1);
  t.is(insns[1]!.imm, 40000);
  t.is(decode(bytes).length, 40003);
});

test('jset beyond 16 bits jumps over a skip to a gotol', (t) => {
  const { insns } = encode(farProgram(a.jset(R1, 4, 'far')));
  t.deepEqual(insns.slice(0, 3).map((i) => [i.op, i.off, i.imm]), [
    [Class.JMP | JmpOp.JSET, 1, 4],
    [Class.JMP | JmpOp.JA, 1, 0],
    [Class.JMP32 | JmpOp.JA, 0, 40000],
  ]);
});

test('longJumps: error refuses instead of relaxing', (t) => {
  t.throws(() => encode(farProgram(a.ja('far')), { longJumps: 'error' }), { message: /instruction 0 JMP\|JA\|K: label far is 40000 slots away/ });
});

test('undefined and duplicate labels are errors', (t) => {
  t.throws(() => encode([a.ja('nowhere'), a.exit()]), { message: /label nowhere is not defined/ });
  t.throws(() => encode([a.label('x'), a.label('x'), a.exit()]), { message: /label x: defined twice/ });
});

test('immediates that would sign-extend wrongly are refused', (t) => {
  t.throws(() => a.and64(R1, 0xffffffff), { message: /use ldImm64/ });
  t.is(a.and32(R1, 0xffffffff).imm, -1);
  t.throws(() => a.mov64(R1, 1.5), { message: /not an integer/ });
});
