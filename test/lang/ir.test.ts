// The IR and its passes on hand-built functions: BPF's arithmetic rules, the text form, null-check
// threading, dead code, call expansion and register allocation under the calling convention.

import test from 'ava';
import { FnBuilder } from '../../compiler/lang/ir/builder.ts';
import { evalAlu, evalCond, R1, type IrFunction } from '../../compiler/lang/ir/ir.ts';
import { printFunction } from '../../compiler/lang/ir/ir-print.ts';
import { simplify } from '../../compiler/lang/ir/simplify.ts';
import { expandCalls } from '../../compiler/lang/back/expand-calls.ts';
import { allocateRegisters } from '../../compiler/lang/back/regalloc.ts';
import { layoutFrame } from '../../compiler/lang/back/frame.ts';
import { liveness } from '../../compiler/lang/ir/liveness.ts';

test('ALU semantics follow the ISA: division by zero, modulo by zero, masked shifts, 32-bit zero-extension', (t) => {
  t.is(evalAlu('div', 7n, 0n, 64), 0n);
  t.is(evalAlu('mod', 7n, 0n, 64), 7n);
  t.is(evalAlu('sdiv', -7n, 2n, 64), BigInt.asUintN(64, -3n));
  t.is(evalAlu('smod', -7n, 2n, 32), BigInt.asUintN(32, -1n));
  t.is(evalAlu('lsh', 1n, 33n, 32), 2n, 'the count is masked to 31');
  t.is(evalAlu('add', 0xffffffffn, 1n, 32), 0n, '32-bit results are zero-extended');
  t.is(evalAlu('arsh', BigInt.asUintN(64, -16n), 2n, 64), BigInt.asUintN(64, -4n));
  t.true(evalCond('slt', BigInt.asUintN(32, -1n), 0n, 32));
  t.false(evalCond('lt', BigInt.asUintN(32, -1n), 0n, 32));
});

/** ctx in r1; x = load; br x == 0; a block that sets r = 0 / r = p and a null check after. */
function headerShape(): IrFunction {
  const b = new FnBuilder({ name: 'f', kind: 'program', section: 'xdp', ctx: 'xdp', paramCount: 1 });
  const ctx = b.vreg({ name: 'ctx', ptr: 'ctx' });
  b.emit({ op: 'mov', dst: ctx, src: R1, w: 64 });
  const data = b.load({ base: ctx, off: 0 }, 4, false, { name: 'data', ptr: 'packet', nonNull: true });
  const end = b.load({ base: ctx, off: 4 }, 4, false, { name: 'end', ptr: 'packet_end' });
  const res = b.vreg({ name: 'eth', ptr: 'packet' });
  const ok = b.newBlock();
  const none = b.newBlock();
  const join = b.newBlock();
  const e = b.alu('add', data, { imm: 14n }, 64);
  b.branch('gt', e, end, 64, none, ok);
  b.setBlock(ok);
  b.emit({ op: 'mov', dst: res, src: data, w: 64 });
  b.terminate({ op: 'jmp', target: join.id });
  b.setBlock(none);
  b.emit({ op: 'mov', dst: res, src: { imm: 0n }, w: 64 });
  b.terminate({ op: 'jmp', target: join.id });
  b.setBlock(join);
  const drop = b.newBlock();
  const cont = b.newBlock();
  b.branch('ne', res, { imm: 0n }, 64, cont, drop);
  b.setBlock(drop);
  b.terminate({ op: 'ret', value: { imm: 1n } });
  b.setBlock(cont);
  const proto = b.load({ base: res, off: 12 }, 2);
  b.terminate({ op: 'ret', value: proto });
  return b.finish();
}

test('simplify threads the null check into the bounds check and drops the dead null', (t) => {
  const fn = headerShape();
  simplify(fn);
  const text = printFunction(fn, { locations: false });
  t.is(fn.blocks.filter((b) => b.term.op === 'br').length, 1, 'one branch left:\n' + text);
  t.notRegex(text, /= 0\n/, 'the null path no longer sets the pointer');
  t.regex(text, /br gt64 %\d+, %end\.\d+ -> b\d+, b\d+/);
});

test('liveness, call expansion and allocation: values live across a call take r6..r9', (t) => {
  const b = new FnBuilder({ name: 'g', kind: 'program', section: 'xdp', ctx: 'xdp', paramCount: 1 });
  const ctx = b.vreg({ name: 'ctx' });
  b.emit({ op: 'mov', dst: ctx, src: R1, w: 64 });
  const x = b.load({ base: ctx, off: 12 }, 4, false, { name: 'x' });
  const y = b.load({ base: ctx, off: 16 }, 4, false, { name: 'y' });
  const r = b.vreg({ name: 'r' });
  b.emit({ op: 'call', helper: 7, name: 'get_prandom_u32', args: [], argCount: 0, dst: r, movesPacket: false });
  const s = b.alu('add', x, y, 64);
  const u = b.alu('add', s, r, 64);
  b.terminate({ op: 'ret', value: u });
  const fn = b.finish();
  t.true(liveness(fn).liveOut.get(0) !== undefined);
  expandCalls(fn);
  const { colour } = allocateRegisters(fn);
  t.true(colour.get(x)! >= 6 && colour.get(x)! <= 9, `x in a callee-saved register, got r${colour.get(x)}`);
  t.true(colour.get(y)! >= 6 && colour.get(y)! <= 9, `y in a callee-saved register, got r${colour.get(y)}`);
  t.regex(printFunction(fn, { locations: false }), /call get_prandom_u32\(\)/);
});

test('more values live across a call than callee-saved registers: spills to 8-byte slots', (t) => {
  const b = new FnBuilder({ name: 'h', kind: 'program', section: 'xdp', ctx: 'xdp', paramCount: 1 });
  const ctx = b.vreg({ name: 'ctx' });
  b.emit({ op: 'mov', dst: ctx, src: R1, w: 64 });
  const vals = Array.from({ length: 7 }, (_, i) => b.load({ base: ctx, off: 4 * i }, 4, false, { name: `v${i}` }));
  b.emit({ op: 'call', helper: 7, name: 'get_prandom_u32', args: [], argCount: 0, movesPacket: false });
  let acc = vals[0]!;
  for (const v of vals.slice(1)) acc = b.alu('add', acc, v, 64);
  b.terminate({ op: 'ret', value: acc });
  const fn = b.finish();
  expandCalls(fn);
  const { spills } = allocateRegisters(fn);
  t.true(spills >= 3, `at least 3 of 7 values spilled, got ${spills}`);
  t.true(fn.slots.every((s) => s.size === 8 && s.align === 8), 'spill slots are 8 bytes');
  t.true(layoutFrame(fn).size >= 24);
  for (const blk of fn.blocks) for (const i of blk.insts) if ('dst' in i && i.dst !== undefined) t.true(i.dst <= 9, 'only r0..r9 written');
});
