// Kernel-log assembly text (`r0 = *(u32 *)(r1 +4)`, `if r2 > r3 goto out`) to the backend's
// assembler items, so that the verifier corpus reads like the verifier's own output.
//
// One instruction or label per line; `;` or `//` start a comment. Jump targets are labels
// (`name:` on its own line) or relative offsets (`+3`, `-2`). Maps are named (`r1 = map[lb4] ll`),
// functions taken for callbacks by label (`r2 = func cb ll`).

import * as a from '../../compiler/bpf/asm.ts';
import { reg, type Reg } from '../../compiler/bpf/register.ts';
import type { Item } from '../../compiler/bpf/insn.ts';
import { makeInsn } from '../../compiler/bpf/insn.ts';
import type { SizeName, SignedSizeName } from '../../compiler/bpf/opcode.ts';

export class AsmSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'AsmSyntaxError';
  }
}

const REG = String.raw`([rw])(\d+)`;
const NUM = String.raw`(-?(?:0x[0-9a-fA-F]+|\d+))`;
const SIZE = String.raw`\*\((u8|u16|u32|u64|s8|s16|s32) \*\)\(r(\d+) ?([+-] ?(?:0x[0-9a-fA-F]+|\d+))?\)`;

const aluOps: Record<string, [(d: Reg, s: Reg | number) => Item, (d: Reg, s: Reg | number) => Item]> = {
  '+=': [a.add64, a.add32],
  '-=': [a.sub64, a.sub32],
  '*=': [a.mul64, a.mul32],
  '/=': [a.div64, a.div32],
  's/=': [a.sdiv64, a.sdiv32],
  '%=': [a.mod64, a.mod32],
  's%=': [a.smod64, a.smod32],
  '&=': [a.and64, a.and32],
  '|=': [a.or64, a.or32],
  '^=': [a.xor64, a.xor32],
  '<<=': [a.lsh64, a.lsh32],
  '>>=': [a.rsh64, a.rsh32],
  's>>=': [a.arsh64, a.arsh32],
};

type Jump = (d: Reg, s: Reg | number, to: string | number) => Item;
const jmpOps: Record<string, [Jump, Jump]> = {
  '==': [a.jeq, a.jeq32],
  '!=': [a.jne, a.jne32],
  '>': [a.jgt, a.jgt32],
  '>=': [a.jge, a.jge32],
  '<': [a.jlt, a.jlt32],
  '<=': [a.jle, a.jle32],
  's>': [a.jsgt, a.jsgt32],
  's>=': [a.jsge, a.jsge32],
  's<': [a.jslt, a.jslt32],
  's<=': [a.jsle, a.jsle32],
  '&': [a.jset, a.jset32],
};

function num(s: string): number {
  const t = s.replace(/\s+/g, '');
  const neg = t.startsWith('-');
  const body = t.replace(/^[+-]/, '');
  const v = body.startsWith('0x') ? parseInt(body, 16) : parseInt(body, 10);
  return neg ? -v : v;
}

function target(s: string): string | number {
  return /^[+-]\d+$/.test(s) ? num(s) : s;
}

/** Parses one line (already stripped of comments) into items; `line` is for messages. */
export function parseLine(text: string, line: number): Item[] {
  const s = text.trim().replace(/\s+/g, ' ');
  if (s === '') return [];
  let m: RegExpMatchArray | null;
  const r = (n: string): Reg => {
    const k = Number(n);
    if (k > 10) throw new AsmSyntaxError(line, `r${k} is not a register (r0..r10)`);
    return reg(k);
  };
  const imm = (v: string): Reg | number => (/^[rw]\d+$/.test(v) ? r(v.slice(1)) : num(v));

  if ((m = s.match(/^([A-Za-z_.][\w.]*):$/))) return [a.label(m[1]!)];
  if (s === 'exit') return [a.exit()];
  if ((m = s.match(/^goto ([+-]?[\w.]+)$/))) return [a.ja(target(m[1]!))];
  if ((m = s.match(/^gotol ([+-]?[\w.]+)$/))) return [a.gotol(target(m[1]!))];
  if ((m = s.match(/^call pc([+-]\d+)$/))) return [a.callLocal(num(m[1]!))];
  if ((m = s.match(/^call local ([\w.]+)$/))) return [a.callLocal(m[1]!)];
  if ((m = s.match(/^call (\d+)$/))) return [a.call(Number(m[1]))];
  if ((m = s.match(/^call ([\w.]+)$/))) return [a.call(m[1]!)];
  // Raw escape hatch for encodings no syntax covers: `raw op=0x8d dst=0 src=0 off=0 imm=0`.
  if ((m = s.match(/^raw (.*)$/))) {
    const f: Record<string, number> = {};
    for (const kv of m[1]!.split(' ')) {
      const [k, v] = kv.split('=');
      f[k!] = num(v!);
    }
    return [makeInsn({ op: f.op ?? 0, dst: f.dst, src: f.src, off: f.off, imm: f.imm })];
  }
  if ((m = s.match(new RegExp(`^if ${REG} (==|!=|>=|<=|>|<|s>=|s<=|s>|s<|&) (\\S+) goto ([+-]?[\\w.]+)$`)))) {
    const [, w, d, op, rhs, to] = m;
    const src = imm(rhs!);
    if (typeof src !== 'number' && rhs![0] !== w) throw new AsmSyntaxError(line, `mixed widths in ${s}`);
    return [jmpOps[op!]![w === 'w' ? 1 : 0](r(d!), src, target(to!))];
  }
  if ((m = s.match(new RegExp(`^lock ${SIZE} (\\+=|\\|=|&=|\\^=) r(\\d+)$`)))) {
    const [, size, base, off, op, src] = m;
    const name = ({ '+=': 'add', '|=': 'or', '&=': 'and', '^=': 'xor' } as const)[op as '+='];
    return [a.atomic(name, size as 'u32' | 'u64', r(base!), off ? num(off) : 0, r(src!))];
  }
  if ((m = s.match(new RegExp(`^r(\\d+) = atomic_fetch_(add|or|and|xor)\\(${SIZE}, r(\\d+)\\)$`)))) {
    const [, dst, op, size, base, off, src] = m;
    if (dst !== src) throw new AsmSyntaxError(line, 'atomic fetch returns into its source register');
    return [a.atomic(`fetch_${op}` as 'fetch_add', size as 'u32' | 'u64', r(base!), off ? num(off) : 0, r(src!))];
  }
  if ((m = s.match(new RegExp(`^${SIZE} = (\\S+)$`)))) {
    const [, size, base, off, val] = m;
    if (size![0] === 's') throw new AsmSyntaxError(line, 'stores have no signed sizes');
    const o = off ? num(off) : 0;
    if (/^r\d+$/.test(val!)) return [a.stx(size as SizeName, r(base!), o, r(val!.slice(1)))];
    return [a.st(size as SizeName, r(base!), o, num(val!))];
  }
  if ((m = s.match(new RegExp(`^r(\\d+) = ${SIZE}$`)))) {
    const [, dst, size, base, off] = m;
    return [a.ldx(size as SizeName | SignedSizeName, r(dst!), r(base!), off ? num(off) : 0)];
  }
  if ((m = s.match(/^r(\d+) = map\[([\w.]+)\] ll$/))) return [a.ldMap(r(m[1]!), m[2]!)];
  if ((m = s.match(/^r(\d+) = func ([\w.]+) ll$/))) return [a.ldFunc(r(m[1]!), m[2]!)];
  if ((m = s.match(/^r(\d+) = map_value\[([\w.]+)\]( ?\+ ?(\d+))? ll$/))) {
    return [a.ldMapValue(r(m[1]!), m[2]!, m[4] ? Number(m[4]) : 0)];
  }
  if ((m = s.match(/^r(\d+) = (-?(?:0x[0-9a-fA-F]+|\d+)) ll$/))) {
    const t = m[2]!;
    const v = t.startsWith('-') ? -BigInt(t.slice(1)) : BigInt(t);
    return [a.ldImm64(r(m[1]!), v)];
  }
  if ((m = s.match(new RegExp(`^${REG} = -${REG}$`)))) {
    const [, w, d] = m;
    return [w === 'w' ? a.neg32(r(d!)) : a.neg64(r(d!))];
  }
  if ((m = s.match(new RegExp(`^${REG} = (be|le|bswap)(16|32|64) ${REG}$`)))) {
    const [, , d, kind, bits] = m;
    const fn = (a as unknown as Record<string, (d: Reg) => Item>)[`${kind}${bits}`]!;
    return [fn(r(d!))];
  }
  if ((m = s.match(new RegExp(`^${REG} = \\(s(8|16|32)\\) ?${REG}$`)))) {
    const [, w, d, bits, , sreg] = m;
    if (w === 'w') return [a.movsx32(r(d!), r(sreg!), Number(bits) as 8 | 16)];
    return [a.movsx64(r(d!), r(sreg!), Number(bits) as 8 | 16 | 32)];
  }
  if ((m = s.match(new RegExp(`^${REG} (=|\\+=|-=|\\*=|/=|s/=|%=|s%=|&=|\\|=|\\^=|<<=|>>=|s>>=) (\\S+)$`)))) {
    const [, w, d, op, rhs] = m;
    const src = imm(rhs!);
    const wide = w === 'r' ? 0 : 1;
    if (op === '=') return [wide ? a.mov32(r(d!), src) : a.mov64(r(d!), src)];
    return [aluOps[op!]![wide](r(d!), src)];
  }
  throw new AsmSyntaxError(line, `cannot read "${s}"`);
}

/** Parses a block of text; `firstLine` numbers its first line for messages. */
export function parseAsm(text: string, firstLine = 1): Item[] {
  const out: Item[] = [];
  text.split('\n').forEach((raw, i) => {
    const code = raw.replace(/(;|\/\/).*$/, '');
    out.push(...parseLine(code, firstLine + i));
  });
  return out;
}
