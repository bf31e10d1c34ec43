// Programs of one instruction each, for checking the translator instruction by instruction: a
// tc program reads two 64-bit operands from the packet into r2 and r3, runs the instruction
// under test (with r2 as dst and r3 as src), and writes r0, r2, r3 and a stack word back into
// the packet. The same bytes run in the kernel (insn-diff.test.ts) and in the simulator
// (translate.test.ts), so any difference is the translator's.

import * as a from '../../compiler/bpf/asm.ts';
import { encode } from '../../compiler/bpf/encode.ts';
import type { Item } from '../../compiler/bpf/insn.ts';
import { makeLabel } from '../../compiler/bpf/insn.ts';
import { R0, R1, R2, R3, R6, R7, R8, R10 } from '../../compiler/bpf/register.ts';
import type { BpfObject } from '../../format/bpf-object.ts';
import { sectionKind } from '../../format/bpf-object-sections.ts';
import { seededRandom } from '../../simulate/random.ts';

/** The packet: operands at 0 and 8; results r2 at 16, r3 at 24, r0 at 32, the stack word at 40. */
export const PACKET_SIZE = 64;

export interface InsnCase {
  name: string;
  bytes: Uint8Array;
}

function program(body: Item[]): Uint8Array {
  const items: Item[] = [
    a.ldx('u32', R6, R1, 76), // __sk_buff.data
    a.ldx('u32', R7, R1, 80), // __sk_buff.data_end
    a.mov64(R8, R6),
    a.add64(R8, PACKET_SIZE),
    a.jgt(R8, R7, 'out'),
    a.ldx('u64', R2, R6, 0),
    a.ldx('u64', R3, R6, 8),
    a.mov64(R0, R2),
    a.stx('u64', R10, -8, R3),
    ...body,
    a.stx('u64', R6, 16, R2),
    a.stx('u64', R6, 24, R3),
    a.stx('u64', R6, 32, R0),
    a.ldx('u64', R8, R10, -8),
    a.stx('u64', R6, 40, R8),
    makeLabel('out'),
    a.mov64(R0, 0),
    a.exit(),
  ];
  return encode(items).bytes;
}

type Alu = (d: typeof R2, s: typeof R2 | number) => ReturnType<typeof a.add64>;
const aluOps: Record<string, Alu> = {
  add64: a.add64, sub64: a.sub64, mul64: a.mul64, div64: a.div64, sdiv64: a.sdiv64, or64: a.or64, and64: a.and64,
  lsh64: a.lsh64, rsh64: a.rsh64, mod64: a.mod64, smod64: a.smod64, xor64: a.xor64, mov64: a.mov64, arsh64: a.arsh64,
  add32: a.add32, sub32: a.sub32, mul32: a.mul32, div32: a.div32, sdiv32: a.sdiv32, or32: a.or32, and32: a.and32,
  lsh32: a.lsh32, rsh32: a.rsh32, mod32: a.mod32, smod32: a.smod32, xor32: a.xor32, mov32: a.mov32, arsh32: a.arsh32,
};
type Jmp = (d: typeof R2, s: typeof R2 | number, t: string) => ReturnType<typeof a.jeq>;
const jumpOps: Record<string, Jmp> = {
  jeq: a.jeq, jne: a.jne, jgt: a.jgt, jge: a.jge, jlt: a.jlt, jle: a.jle, jsgt: a.jsgt, jsge: a.jsge, jslt: a.jslt, jsle: a.jsle, jset: a.jset,
  jeq32: a.jeq32, jne32: a.jne32, jgt32: a.jgt32, jge32: a.jge32, jlt32: a.jlt32, jle32: a.jle32, jsgt32: a.jsgt32, jsge32: a.jsge32,
  jslt32: a.jslt32, jsle32: a.jsle32, jset32: a.jset32,
};
const atomicNames = ['add', 'or', 'and', 'xor', 'fetch_add', 'fetch_or', 'fetch_and', 'fetch_xor', 'xchg', 'cmpxchg'] as const;

/** Stack offsets within the word at r10-8, aligned for the size (the kernel refuses misaligned stack access). */
const stackOffset = { u8: -5, s8: -5, u16: -6, s16: -6, u32: -4, s32: -4, u64: -8 } as const;

/** Immediates that probe edges: zero, ±1, the 32-bit extremes, shift widths, a byte. */
const imms = [0, 1, -1, 0x7fffffff, -0x80000000, 31, 32, 63, 0xff, -7];

export function insnCases(): InsnCase[] {
  const out: InsnCase[] = [];
  const add = (name: string, body: Item[]) => out.push({ name, bytes: program(body) });
  for (const [name, op] of Object.entries(aluOps)) {
    add(`${name} r2, r3`, [op(R2, R3)]);
    const wide = name.endsWith('64');
    for (const k of imms) {
      // The verifier refuses a constant divisor of 0 and constant shifts past the width.
      if (k === 0 && /div|mod/.test(name)) continue;
      if (/sh/.test(name) && (k < 0 || k >= (wide ? 64 : 32))) continue;
      add(`${name} r2, ${k}`, [op(R2, k)]);
    }
  }
  add('neg64 r2', [a.neg64(R2)]);
  add('neg32 r2', [a.neg32(R2)]);
  for (const bits of [8, 16, 32] as const) add(`movsx64 r2, r3, ${bits}`, [a.movsx64(R2, R3, bits)]);
  for (const bits of [8, 16] as const) add(`movsx32 r2, r3, ${bits}`, [a.movsx32(R2, R3, bits)]);
  for (const [name, f] of Object.entries({ be16: a.be16, be32: a.be32, be64: a.be64, le16: a.le16, le32: a.le32, le64: a.le64, bswap16: a.bswap16, bswap32: a.bswap32, bswap64: a.bswap64 })) {
    add(`${name} r2`, [f(R2)]);
  }
  for (const [name, j] of Object.entries(jumpOps)) {
    // r0 = 1 when the jump is taken, 2 when not.
    const taken = (src: typeof R3 | number): Item[] => [a.mov64(R0, 1), j(R2, src, `t_${name}`), a.mov64(R0, 2), makeLabel(`t_${name}`)];
    add(`${name} r2, r3`, taken(R3));
    for (const k of [0, -1, 0x7fffffff, -0x80000000, 5]) add(`${name} r2, ${k}`, taken(k));
  }
  for (const size of ['u32', 'u64'] as const) {
    for (const n of atomicNames) add(`atomic ${n} ${size}`, [a.atomic(n, size, R10, -8, R3)]);
  }
  for (const s of ['u8', 'u16', 'u32', 'u64', 's8', 's16', 's32'] as const) {
    add(`ldx ${s} (packet)`, [a.ldx(s, R2, R6, 3)]);
    add(`ldx ${s} (stack)`, [a.ldx(s, R2, R10, stackOffset[s])]);
  }
  for (const s of ['u8', 'u16', 'u32', 'u64'] as const) {
    add(`stx ${s}`, [a.stx(s, R10, stackOffset[s], R2)]);
    add(`st ${s}`, [a.st(s, R10, -8, -3)]);
  }
  add('ld_imm64', [a.ldImm64(R2, 0x8123_4567_89ab_cdefn)]);
  // The instruction jumped over is reached from the other branch (the verifier refuses dead code).
  add('ja over', [a.jeq(R3, 5, 'mid'), a.ja('skip'), makeLabel('mid'), a.mov64(R2, 7), makeLabel('skip')]);
  add('gotol over', [a.jeq(R3, 5, 'mid'), a.gotol('skip'), makeLabel('mid'), a.mov64(R2, 7), makeLabel('skip')]);
  // A bounded loop: backward jumps through the dispatch loop. r0 = r3 & 15 iterations of r2 += r2 ^ 3.
  add('loop', [a.mov64(R0, R3), a.and64(R0, 15), makeLabel('top'), a.jeq(R0, 0, 'done'), a.xor64(R2, 3), a.add64(R2, R2), a.sub64(R0, 1), a.ja('top'), makeLabel('done')]);
  return out;
}

/** A one-program object around `bytes`, as the ELF reader would describe it. */
export function objectOf(name: string, section: string, bytes: Uint8Array): BpfObject {
  return {
    source: name,
    license: 'GPL',
    programs: [{ name: 'p', section, role: 'entry', global: true, kind: sectionKind(section)!, offset: 0, insns: bytes, relocations: [], lineInfo: [] }],
    maps: [],
    data: [],
  };
}

/** Operands that probe edges half the time, random 64-bit values otherwise. */
export function operandPacket(random: () => number): Uint8Array {
  const edges = [0n, 1n, -1n, 0x7fffffffn, -0x80000000n, 0xffffffffn, 0x7fffffffffffffffn, -0x8000000000000000n, 0x80n, 0xffn, 31n, 32n, 63n, 64n, 5n, -5n, 0x100000000n];
  const p = new Uint8Array(PACKET_SIZE);
  const dv = new DataView(p.buffer);
  for (const at of [0, 8]) {
    const r = random();
    if (r < 0.5) dv.setBigInt64(at, edges[Math.floor(random() * edges.length)]!, true);
    else if (r < 0.7) dv.setUint32(at, Math.floor(random() * 2 ** 32), true);
    else for (let i = 0; i < 8; i++) p[at + i] = Math.floor(random() * 256);
  }
  for (let i = 16; i < PACKET_SIZE; i++) p[i] = Math.floor(random() * 256);
  return p;
}

/** A seeded generator of floats in [0, 1) for the tests (the simulator's own generator, scaled). */
export function seeded(seed: number): () => number {
  const next = seededRandom(seed);
  return () => next() / 2 ** 32;
}
