// The calling convention made explicit: arguments move into r1..r5 just before a call, the
// result comes out of r0, and a return moves its value into r0. After this pass the allocator
// sees the physical registers as ordinary (precolored) operands and the clobbers as defs.

import { R0, type Inst, type IrFunction, type Operand } from '../ir/ir.ts';

export function expandCalls(fn: IrFunction): void {
  for (const b of fn.blocks) {
    const out: Inst[] = [];
    for (const i of b.insts) {
      if ((i.op === 'call' || i.op === 'calllocal') && i.args.length + i.argCount > 0 && i.argCount === 0) {
        i.args.forEach((a: Operand, k) => out.push({ op: 'mov', dst: k + 1, src: a, w: 64, loc: i.loc }));
        out.push({ ...i, args: [], argCount: i.args.length, dst: undefined });
        if (i.dst !== undefined) out.push({ op: 'mov', dst: i.dst, src: R0, w: 64, loc: i.loc });
        continue;
      }
      if ((i.op === 'call' || i.op === 'calllocal') && i.dst !== undefined) {
        out.push({ ...i, dst: undefined });
        out.push({ op: 'mov', dst: i.dst, src: R0, w: 64, loc: i.loc });
        continue;
      }
      out.push(i);
    }
    b.insts = out;
    if (b.term.op === 'ret' && b.term.value !== undefined) {
      b.insts.push({ op: 'mov', dst: R0, src: b.term.value, w: 64, loc: b.term.loc });
      b.term = { op: 'ret', loc: b.term.loc };
    }
  }
}
