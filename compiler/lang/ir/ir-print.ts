// Text form of the IR, for tests and for debugging the lowering: one instruction per line,
// registers by name (%eth.7), physical registers as r0..r10, source lines as trailing comments.

import { isImm, isPhys, isSlotAddr, type Addr, type Block, type Inst, type IrFunction, type Operand, type Terminator, type VReg } from './ir.ts';

export interface PrintOptions {
  /** Show `; file:line` after each instruction (default true). */
  locations?: boolean;
}

export function printFunction(fn: IrFunction, opts: PrintOptions = {}): string {
  const reg = (v: VReg): string => {
    if (isPhys(v)) return `r${v}`;
    const name = fn.vregs[v]?.name;
    return name ? `%${name}.${v}` : `%${v}`;
  };
  const op = (o: Operand): string => (isImm(o) ? String(o.imm) : reg(o));
  const addr = (a: Addr): string => {
    const base = isSlotAddr(a) ? `s${a.slot}` : reg(a.base);
    return a.off === 0 ? `[${base}]` : a.off > 0 ? `[${base} + ${a.off}]` : `[${base} - ${-a.off}]`;
  };
  const sz = (n: number, signed = false) => `${signed ? 's' : 'u'}${n * 8}`;
  const inst = (i: Inst): string => {
    switch (i.op) {
      case 'mov':
        return `${reg(i.dst)} = ${op(i.src)}${i.w === 32 ? ' (w32)' : ''}`;
      case 'alu':
        return `${reg(i.dst)} = ${i.aop}${i.w} ${reg(i.a)}, ${op(i.b)}`;
      case 'neg':
        return `${reg(i.dst)} = neg${i.w} ${reg(i.a)}`;
      case 'sext':
        return `${reg(i.dst)} = sext${i.bits} ${reg(i.a)}`;
      case 'bswap':
        return `${reg(i.dst)} = bswap${i.bits} ${reg(i.a)}`;
      case 'load':
        return `${reg(i.dst)} = load ${sz(i.size, i.signed)} ${addr(i.addr)}`;
      case 'store':
        return `store ${sz(i.size)} ${addr(i.addr)}, ${op(i.src)}`;
      case 'addr':
        return `${reg(i.dst)} = &s${i.slot}${i.off ? ` + ${i.off}` : ''}`;
      case 'map':
        return `${reg(i.dst)} = map ${i.map}`;
      case 'atomic':
        return `atomic ${i.aop} ${sz(i.size)} ${addr(i.addr)}, ${reg(i.src)}`;
      case 'slotdef':
        return `slotdef s${i.slot}`;
      case 'call':
      case 'calllocal': {
        const callee = i.op === 'call' ? i.name : `@${i.fn}`;
        const args = i.args.length ? i.args.map(op).join(', ') : Array.from({ length: i.argCount }, (_, k) => `r${k + 1}`).join(', ');
        const head = i.dst !== undefined ? `${reg(i.dst)} = ` : '';
        return `${head}call ${callee}(${args})${i.op === 'call' && i.movesPacket ? ' !packet' : ''}`;
      }
    }
  };
  const term = (t: Terminator): string => {
    switch (t.op) {
      case 'br':
        return `br ${t.cond}${t.w} ${reg(t.a)}, ${op(t.b)} -> b${t.t}, b${t.f}`;
      case 'jmp':
        return `jmp b${t.target}`;
      case 'ret':
        return t.value === undefined ? 'ret' : `ret ${op(t.value)}`;
    }
  };
  const withLoc = (text: string, x: Inst | Terminator): string =>
    opts.locations !== false && x.loc ? `${text.padEnd(40)} ; ${x.loc.file.split('/').pop()}:${x.loc.line}` : text;
  const lines = [`function ${fn.name} (${fn.kind}${fn.section ? ` ${fn.section}` : ''})`];
  for (const s of fn.slots) lines.push(`  s${s.id}: ${s.size} bytes, align ${s.align} (${s.name})`);
  const block = (b: Block) => {
    lines.push(`b${b.id}:`);
    for (const i of b.insts) lines.push('  ' + withLoc(inst(i), i));
    lines.push('  ' + withLoc(term(b.term), b.term));
  };
  fn.blocks.forEach(block);
  return lines.join('\n') + '\n';
}
