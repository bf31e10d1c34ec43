// One instruction as text, in the kernel/llvm assembly syntax (`r1 = *(u32 *)(r6 + 4)`,
// `if w1 s< w2 goto +3`). Where LLVM 14 knows an instruction, the text is exactly what its
// llvm-objdump prints (with alu32: sub-64-bit loads and stores show w registers); instructions
// LLVM 14 cannot print use the syntax of later LLVM releases. listing.ts adds labels and lines.

import {
  AluOp,
  AtomicOp,
  CallSrc,
  Class,
  JmpOp,
  LD_IMM64,
  Mode,
  Pseudo,
  Source,
  classOf,
  modeOf,
  operationOf,
  sizeName,
  sourceOf,
} from './opcode.ts';
import type { Insn } from './insn.ts';

const aluSymbol: Record<number, string> = {
  [AluOp.ADD]: '+=',
  [AluOp.SUB]: '-=',
  [AluOp.MUL]: '*=',
  [AluOp.DIV]: '/=',
  [AluOp.OR]: '|=',
  [AluOp.AND]: '&=',
  [AluOp.LSH]: '<<=',
  [AluOp.RSH]: '>>=',
  [AluOp.MOD]: '%=',
  [AluOp.XOR]: '^=',
  [AluOp.MOV]: '=',
  [AluOp.ARSH]: 's>>=',
};

const jmpSymbol: Record<number, string> = {
  [JmpOp.JEQ]: '==',
  [JmpOp.JGT]: '>',
  [JmpOp.JGE]: '>=',
  [JmpOp.JSET]: '&',
  [JmpOp.JNE]: '!=',
  [JmpOp.JSGT]: 's>',
  [JmpOp.JSGE]: 's>=',
  [JmpOp.JLT]: '<',
  [JmpOp.JLE]: '<=',
  [JmpOp.JSLT]: 's<',
  [JmpOp.JSLE]: 's<=',
};

const atomicSymbol: Record<number, string> = { [AtomicOp.ADD]: '+=', [AtomicOp.OR]: '|=', [AtomicOp.AND]: '&=', [AtomicOp.XOR]: '^=' };
const atomicName: Record<number, string> = { [AtomicOp.ADD]: 'add', [AtomicOp.OR]: 'or', [AtomicOp.AND]: 'and', [AtomicOp.XOR]: 'xor' };

export const UNKNOWN = '<unknown>';

const rel = (n: number): string => (n < 0 ? `${n}` : `+${n}`);
const addr = (reg: number, off: number): string => `r${reg} ${off < 0 ? '-' : '+'} ${Math.abs(off)}`;

export interface SyntaxOptions {
  /**
   * Name the symbolic parts: `r1 = map[lb4_services] ll` instead of the fd, `call pick` instead of
   * a BPF-to-BPF call's offset. Off, the text is what llvm-objdump prints for the bytes alone.
   */
  symbolic?: boolean;
}

/** The instruction's text; `<unknown>` for opcodes the ISA does not define. */
export function formatInsn(i: Insn, o: SyntaxOptions = {}): string {
  switch (classOf(i.op)) {
    case Class.ALU:
    case Class.ALU64:
      return alu(i);
    case Class.JMP:
    case Class.JMP32:
      return jump(i, o);
    case Class.LDX:
      return ldx(i);
    case Class.ST:
    case Class.STX:
      return store(i);
    default:
      return ld(i, o);
  }
}

function alu(i: Insn): string {
  const wide = classOf(i.op) === Class.ALU64;
  const r = wide ? 'r' : 'w';
  const op = operationOf(i.op);
  const x = sourceOf(i.op) === Source.X;
  const operand = x ? `${r}${i.src}` : `${i.imm}`;
  if (op === AluOp.NEG) return x || i.imm || i.off ? UNKNOWN : `${r}${i.dst} = -${r}${i.dst}`;
  if (op === AluOp.END) {
    if (![16, 32, 64].includes(i.imm)) return UNKNOWN;
    const name = wide ? (x ? undefined : 'bswap') : x ? 'be' : 'le';
    return name ? `r${i.dst} = ${name}${i.imm} r${i.dst}` : UNKNOWN;
  }
  if (op === AluOp.MOV && i.off !== 0) {
    const ok = x && (wide ? [8, 16, 32] : [8, 16]).includes(i.off);
    return ok ? `${r}${i.dst} = (s${i.off})${r}${i.src}` : UNKNOWN;
  }
  if ((op === AluOp.DIV || op === AluOp.MOD) && i.off === 1) return `${r}${i.dst} s${aluSymbol[op]} ${operand}`;
  const sym = aluSymbol[op];
  if (!sym || i.off !== 0) return UNKNOWN;
  return `${r}${i.dst} ${sym} ${operand}`;
}

function jump(i: Insn, o: SyntaxOptions): string {
  const op = operationOf(i.op);
  const j32 = classOf(i.op) === Class.JMP32;
  if (op === JmpOp.JA) return j32 ? `gotol ${rel(i.imm)}` : `goto ${rel(i.off)}`;
  if (op === JmpOp.EXIT) return j32 ? UNKNOWN : 'exit';
  if (op === JmpOp.CALL) {
    if (j32) return UNKNOWN;
    if (o.symbolic && i.src === CallSrc.LOCAL && i.target !== undefined) return `call ${i.target}`;
    return `call ${i.imm}`;
  }
  const sym = jmpSymbol[op];
  if (!sym) return UNKNOWN;
  const r = j32 ? 'w' : 'r';
  const operand = sourceOf(i.op) === Source.X ? `${r}${i.src}` : `${i.imm}`;
  return `if ${r}${i.dst} ${sym} ${operand} goto ${rel(i.off)}`;
}

/** Sub-64-bit values show w registers, as LLVM prints them with alu32. */
const valueReg = (i: Insn, reg: number): string => `${sizeName(i.op) === 'u64' ? 'r' : 'w'}${reg}`;

function ldx(i: Insn): string {
  const size = sizeName(i.op);
  if (modeOf(i.op) === Mode.MEM) return `${valueReg(i, i.dst)} = *(${size} *)(${addr(i.src, i.off)})`;
  if (modeOf(i.op) === Mode.MEMSX && size !== 'u64') return `r${i.dst} = *(s${size.slice(1)} *)(${addr(i.src, i.off)})`;
  return UNKNOWN;
}

function store(i: Insn): string {
  const size = sizeName(i.op);
  const mem = `*(${size} *)(${addr(i.dst, i.off)})`;
  if (modeOf(i.op) === Mode.MEM) return classOf(i.op) === Class.ST ? `${mem} = ${i.imm}` : `${mem} = ${valueReg(i, i.src)}`;
  if (modeOf(i.op) !== Mode.ATOMIC || classOf(i.op) !== Class.STX || (size !== 'u32' && size !== 'u64')) return UNKNOWN;
  const r = size === 'u64' ? 'r' : 'w';
  const base = i.imm & ~AtomicOp.FETCH;
  if (i.imm === AtomicOp.XCHG) return size === 'u64' ? `r${i.src} = xchg_64(${addr(i.dst, i.off)}, r${i.src})` : `w${i.src} = xchg32_32(${addr(i.dst, i.off)}, w${i.src})`;
  if (i.imm === AtomicOp.CMPXCHG) {
    return size === 'u64'
      ? `r0 = cmpxchg_64(${addr(i.dst, i.off)}, r0, r${i.src})`
      : `w0 = cmpxchg32_32(${addr(i.dst, i.off)}, w0, w${i.src})`;
  }
  if (!atomicSymbol[base]) return UNKNOWN;
  if (i.imm & AtomicOp.FETCH) return `${r}${i.src} = atomic_fetch_${atomicName[base]}((${size} *)(${addr(i.dst, i.off)}), ${r}${i.src})`;
  return `lock ${mem} ${atomicSymbol[base]} ${r}${i.src}`;
}

function ld(i: Insn, o: SyntaxOptions): string {
  const mode = modeOf(i.op);
  if (i.op === LD_IMM64) {
    if (o.symbolic && i.map !== undefined) {
      if (i.src === Pseudo.MAP_VALUE) {
        const off = Number(i.imm64! >> 32n);
        return `r${i.dst} = map_value[${i.map}]${off ? ` + ${off}` : ''} ll`;
      }
      return `r${i.dst} = map[${i.map}] ll`;
    }
    if (o.symbolic && i.src === Pseudo.FUNC && i.target !== undefined) return `r${i.dst} = func[${i.target}] ll`;
    if (i.src !== Pseudo.NONE) return `ld_pseudo r${i.dst}, ${i.src}, ${i.imm}`;
    return `r${i.dst} = ${BigInt.asIntN(64, i.imm64!)} ll`;
  }
  if (classOf(i.op) !== Class.LD || sizeName(i.op) === 'u64') return UNKNOWN;
  if (mode === Mode.ABS) return `r0 = *(${sizeName(i.op)} *)skb[${i.imm}]`;
  if (mode === Mode.IND) return `r0 = *(${sizeName(i.op)} *)skb[r${i.src}${i.imm ? ` ${i.imm < 0 ? '-' : '+'} ${Math.abs(i.imm)}` : ''}]`;
  return UNKNOWN;
}
