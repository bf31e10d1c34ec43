// encode ∘ decode is the identity on every instruction form, and no opcode of the ISA is missed.

import test from 'ava';
import { decode } from '../../compiler/bpf/decode.ts';
import { encode, encodeInsn } from '../../compiler/bpf/encode.ts';
import { Class, JmpOp, LD_IMM64, Mode, Pseudo, Size, AluOp, Source } from '../../compiler/bpf/opcode.ts';
import { makeInsn } from '../../compiler/bpf/insn.ts';
import { everyInsn } from './every-insn.ts';

/** Every opcode byte the instruction-set document defines. */
function definedOpcodes(): Set<number> {
  const ops = new Set<number>();
  for (const cls of [Class.ALU, Class.ALU64]) {
    for (const op of Object.values(AluOp)) {
      if (op === AluOp.NEG) ops.add(cls | op);
      else if (op === AluOp.END) ops.add(cls | op | Source.K), cls === Class.ALU && ops.add(cls | op | Source.X);
      else ops.add(cls | op | Source.K).add(cls | op | Source.X);
    }
  }
  for (const cls of [Class.JMP, Class.JMP32]) {
    for (const op of Object.values(JmpOp)) {
      if (op === JmpOp.JA || op === JmpOp.EXIT || op === JmpOp.CALL) {
        if (cls === Class.JMP || op === JmpOp.JA) ops.add(cls | op);
      } else ops.add(cls | op | Source.K).add(cls | op | Source.X);
    }
  }
  for (const size of Object.values(Size)) {
    ops.add(Class.LDX | Mode.MEM | size).add(Class.STX | Mode.MEM | size).add(Class.ST | Mode.MEM | size);
    if (size !== Size.DW) ops.add(Class.LDX | Mode.MEMSX | size).add(Class.LD | Mode.ABS | size).add(Class.LD | Mode.IND | size);
  }
  ops.add(Class.STX | Mode.ATOMIC | Size.W).add(Class.STX | Mode.ATOMIC | Size.DW).add(LD_IMM64);
  return ops;
}

test('every defined opcode is covered by the fixture', (t) => {
  const covered = new Set(everyInsn().map((i) => i.op));
  const defined = definedOpcodes();
  const hex = (ops: number[]) => ops.map((op) => '0x' + op.toString(16));
  t.deepEqual(hex([...defined].filter((op) => !covered.has(op))), [], 'defined but not in the fixture');
  t.deepEqual(hex([...covered].filter((op) => !defined.has(op))), [], 'in the fixture but not defined');
});

test('each instruction survives encode then decode', (t) => {
  for (const insn of everyInsn()) {
    const bytes = encodeInsn(insn);
    const back = decode(bytes);
    t.is(back.length, 1);
    t.deepEqual(back[0], insn, `0x${insn.op.toString(16)}`);
    t.deepEqual(encodeInsn(back[0]!), bytes);
  }
});

test('a whole stream round-trips byte for byte', (t) => {
  const { bytes } = encode(everyInsn());
  t.deepEqual(encode(decode(bytes)).bytes, bytes);
});

test('LD_IMM64 splits its constant across two slots', (t) => {
  const bytes = encodeInsn(everyInsn().find((i) => i.op === LD_IMM64)!);
  t.deepEqual([...bytes], [0x18, 0x00, 0, 0, 0xf0, 0xde, 0xbc, 0x9a, 0, 0, 0, 0, 0x78, 0x56, 0x34, 0x12]);
});

test('a dirty or cut LD_IMM64 second slot is refused', (t) => {
  const good = encodeInsn(everyInsn().find((i) => i.op === LD_IMM64)!);
  const dirty = good.slice();
  dirty[8] = 0x07;
  t.throws(() => decode(dirty), { message: /second slot must have opcode/ });
  t.throws(() => decode(good.slice(0, 8)), { message: /cut off/ });
  t.throws(() => decode(good.slice(0, 12)), { message: /not a multiple of 8/ });
});

test('every LD_IMM64 pseudo source round-trips as the kernel sees it (fd and offset halves)', (t) => {
  for (const src of Object.values(Pseudo)) {
    const insn = makeInsn({ op: LD_IMM64, dst: 1, src, imm64: (16n << 32n) | 7n });
    const [back] = decode(encodeInsn(insn));
    t.deepEqual(back, insn, `src ${src}`);
    t.is(back!.imm, 7, 'low half: fd, BTF id or offset');
  }
});
