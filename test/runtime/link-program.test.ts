// The shared linker (format/link-program.ts) on objects written out by hand, as the ELF
// reader would return them: relocated and unrelocated calls, function addresses, map, data and
// extern references, func and line info, and the errors that name what is wrong. No kernel, no
// clang: the kernel tests in program.test.ts run a real clang object linked by it.

import test from 'ava';
import type { BpfLineInfo, BpfObject, BpfProgram, BpfRelocation } from '../../format/bpf-object.ts';
import { LinkError, linkProgram } from '../../format/link-program.ts';

const EXIT = [0x95, 0, 0];
const MOV_R0 = (imm: number) => [0xb7, 0, imm];
const CALL_LOCAL = (imm: number) => [0x85, 0x10, imm];
const LD_IMM64 = [0x18, 0x01, 0];

/** Encodes [opcode, regs, imm] triples, one slot each (an LD_IMM64 takes its second slot too). */
function insns(...list: number[][]): Uint8Array {
  const out = new Uint8Array(list.reduce((n, i) => n + (i[0] === 0x18 ? 16 : 8), 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const [op, regs, imm] of list) {
    out[at] = op!;
    out[at + 1] = regs!;
    view.setInt32(at + 4, imm!, true);
    at += op === 0x18 ? 16 : 8;
  }
  return out;
}

const line = (insn: number, n: number): BpfLineInfo => ({ insn, fileNameOff: 1, lineOff: 2, file: 'x.c', text: `line ${n}`, line: n, col: 1 });

function fn(name: string, section: string, offset: number, code: Uint8Array, relocations: BpfRelocation[] = [], btfFuncId?: number): BpfProgram {
  return {
    name,
    section,
    role: section === '.text' ? 'subprogram' : 'entry',
    global: false,
    offset,
    insns: code,
    relocations,
    lineInfo: [line(0, offset / 8 + 1)],
    ...(btfFuncId !== undefined ? { btfFuncId } : {}),
  };
}

const call = (insn: number, fnName: string, kind: 'call' | 'func' = 'call'): BpfRelocation =>
  ({ insn, kind, symbol: '.text', section: '.text', function: fnName, functionInsn: 0 });

/** .text holds b (2 slots), c (2), a (4): a calls c (3 slots back) with no relocation, as clang leaves it. */
function chainObject(o: { aCalls?: number; funcIds?: boolean } = {}): BpfObject {
  const id = (n: number) => (o.funcIds === false ? undefined : n);
  const b = fn('b', '.text', 0, insns(MOV_R0(1), EXIT), [], id(11));
  const c = fn('c', '.text', 16, insns(MOV_R0(7), EXIT), [], id(12));
  const a = fn('a', '.text', 32, insns(CALL_LOCAL(o.aCalls ?? -3), LD_IMM64, EXIT), [{ insn: 1, kind: 'map', symbol: 'vals', map: 'vals' }], id(13));
  const main = fn(
    'main',
    'xdp',
    0,
    insns(CALL_LOCAL(-1), LD_IMM64, LD_IMM64, LD_IMM64, EXIT),
    [
      call(0, 'a'),
      call(1, 'b', 'func'),
      { insn: 3, kind: 'data', symbol: '.rodata', section: '.rodata', offset: 8 },
      { insn: 5, kind: 'extern', symbol: 'CONFIG_HZ' },
    ],
    id(10),
  );
  return { source: 'chain.o', license: 'GPL', programs: [b, c, a, main], maps: [], data: [] };
}

const callTargets = (code: Uint8Array): Array<[number, number]> => {
  const view = new DataView(code.buffer);
  const out: Array<[number, number]> = [];
  for (let i = 0; i * 8 < code.length; i++) {
    const src = code[i * 8 + 1]! >> 4;
    if ((code[i * 8] === 0x85 && src === 1) || (code[i * 8] === 0x18 && src === 4)) out.push([i, i + 1 + view.getInt32(i * 8 + 4, true)]);
  }
  return out;
};

test('the entry, then each function it reaches in instruction order, calls aimed at the copies', (t) => {
  const linked = linkProgram(chainObject(), 'main');
  // main (8 slots) calls a, takes b's address; a (4 slots) calls c with no relocation.
  t.deepEqual(linked.functions.map((f) => [f.program.name, f.start]), [['main', 0], ['a', 8], ['b', 12], ['c', 14]]);
  t.deepEqual(callTargets(linked.insns), [[0, 8], [1, 12], [8, 14]]);
  t.is(linked.insns[1 * 8 + 1]! >> 4, 4, 'a function address becomes BPF_PSEUDO_FUNC');
  t.is(linked.insns[14 * 8 + 4], 7, "c's code (r0 = 7) where a's call lands");
});

test('map, data and extern references are listed by final slot, left for the loader', (t) => {
  const linked = linkProgram(chainObject(), 'main');
  t.deepEqual(linked.mapRefs, [{ insn: 9, map: 'vals' }]);
  t.deepEqual(linked.dataRefs, [{ insn: 3, section: '.rodata', offset: 8 }]);
  t.deepEqual(linked.externRefs, [{ insn: 5, symbol: 'CONFIG_HZ' }]);
  t.is(linked.insns[9 * 8 + 1], 0x01, 'the map load is as the object left it');
});

test('func info for every function or none; line info rebased to the linked program', (t) => {
  t.deepEqual(linkProgram(chainObject(), 'main').funcInfo, [
    { insn: 0, typeId: 10 },
    { insn: 8, typeId: 13 },
    { insn: 12, typeId: 11 },
    { insn: 14, typeId: 12 },
  ]);
  t.is(linkProgram(chainObject({ funcIds: false }), 'main').funcInfo, undefined);
  t.deepEqual(linkProgram(chainObject(), 'main').lineInfo.map((l) => [l.insn, l.line]), [[0, 1], [8, 5], [12, 1], [14, 3]]);
});

test('errors name the object, the program and what is missing', (t) => {
  t.throws(() => linkProgram(chainObject(), 'a'), { instanceOf: LinkError, message: 'chain.o: no entry program a (it has main)' });
  t.throws(() => linkProgram(chainObject({ aCalls: 40 }), 'main'), {
    instanceOf: LinkError,
    message: 'chain.o: program main: function a insn 0: call to byte 360 of section .text, where no function starts',
  });
  const obj = chainObject();
  obj.programs = obj.programs.filter((p) => p.name !== 'b');
  t.throws(() => linkProgram(obj, 'main'), { instanceOf: LinkError, message: 'chain.o: program main: calls b, which the object does not define' });
});
