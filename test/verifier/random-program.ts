// Random programs for fuzzing, from a seeded generator: mostly plausible instructions (moves,
// arithmetic, loads and stores through the context, stack, packet and map value pointers,
// forward branches, helper calls) so that many get past the first rule, plus raw byte flips
// of real programs. Same seed, same programs.

import type { MapDesc, VerifyInput } from '../../verifier/input.ts';

/** xorshift32: small, fast, and the same everywhere. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  int(n: number): number {
    return this.next() % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() / 0x100000000 < p;
  }
}

const kinds: [number, number][] = [[6, 0], [3, 0], [8, 0], [18, 10], [9, 2]];
const maps: MapDesc[] = [
  { name: 'arr', type: 2, keySize: 4, valueSize: 16, maxEntries: 4 },
  { name: 'hash', type: 1, keySize: 8, valueSize: 8, maxEntries: 16 },
];
const helpers = [1, 2, 3, 5, 7, 8, 9, 10, 11, 23, 26, 28, 44, 46, 69, 118, 122, 152, 155];
const aluOps = [0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0, 0xb0, 0xc0, 0xd0];
const jmpOps = [0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xb0, 0xc0, 0xd0];
const sizes = [0x00, 0x08, 0x10, 0x18];

type Raw = [code: number, dst: number, src: number, off: number, imm: number];

function encode(insns: Raw[]): Uint8Array {
  const out = new Uint8Array(insns.length * 8);
  const v = new DataView(out.buffer);
  insns.forEach(([code, dst, src, off, imm], i) => {
    out[i * 8] = code;
    out[i * 8 + 1] = ((src & 15) << 4) | (dst & 15);
    v.setInt16(i * 8 + 2, off, true);
    v.setInt32(i * 8 + 4, imm, true);
  });
  return out;
}

/** A prologue that leaves pointers worth using: r6 map value (maybe null), r7/r8 packet bounds. */
function prologue(r: Rng, progType: number): Raw[] {
  const p: Raw[] = [[0xbf, 9, 1, 0, 0]]; // r9 = ctx
  if (progType === 6) p.push([0x61, 7, 1, 0, 0], [0x61, 8, 1, 4, 0]);
  if (progType === 3 || progType === 8) p.push([0x61, 7, 1, 76, 0], [0x61, 8, 1, 80, 0]);
  if (r.chance(0.7)) {
    p.push([0x62, 10, 0, -4, r.int(6)], [0xbf, 2, 10, 0, 0], [0x07, 2, 0, 0, -4]);
    p.push([0x18, 1, 1, 0, 0], [0, 0, 0, 0, 0]); // r1 = map[arr]
    p.push([0x85, 0, 0, 0, 1], [0xbf, 6, 0, 0, 0]);
    if (r.chance(0.7)) p.push([0x55, 6, 0, 1, 0], [0x95, 0, 0, 0, 0]); // if r6 != 0 goto +1; exit (r0 = 0)
  }
  return p;
}

function randomInsn(r: Rng, remaining: number): Raw[] {
  const reg = () => r.int(11);
  const small = () => r.pick([0, 1, 2, 4, 8, 14, 16, 20, -1, -4, -8, 255, 0x7fffffff, r.int(64)]);
  switch (r.int(10)) {
    case 0:
      return [[0xb7, r.int(10), 0, 0, small()]];
    case 1:
      return [[0xbf, r.int(10), reg(), 0, 0]];
    case 2:
    case 3: {
      const cls = r.chance(0.7) ? 0x07 : 0x04;
      const op = r.pick(aluOps);
      if (op === 0xd0) return [[0xd4 | (r.chance(0.5) ? 8 : 0), r.int(10), 0, 0, r.pick([16, 32, 64])]];
      if (r.chance(0.5)) return [[cls | op | 0x08, r.int(10), reg(), 0, 0]];
      const imm = op === 0x60 || op === 0x70 || op === 0xc0 ? r.int(cls === 7 ? 64 : 32) : small();
      return [[cls | op, r.int(10), 0, 0, (op === 0x30 || op === 0x90) && imm === 0 ? 1 : imm]];
    }
    case 4: {
      const base = r.pick([1, 6, 7, 9, 10, 10]);
      const off = base === 10 ? -8 * (1 + r.int(8)) + r.pick([0, 0, 0, 4, 2]) : r.pick([0, 2, 4, 8, 12, 14, 16, 76, 80]);
      return [[0x61 | r.pick(sizes), r.int(10), base, off, 0]];
    }
    case 5: {
      const base = r.pick([6, 7, 10, 10, 10]);
      const off = base === 10 ? -8 * (1 + r.int(8)) : r.pick([0, 2, 4, 8, 12]);
      if (r.chance(0.5)) return [[0x63 | r.pick(sizes), base, reg(), off, 0]];
      return [[0x62 | r.pick(sizes), base, 0, off, small()]];
    }
    case 6:
    case 7: {
      if (remaining < 2) return [];
      const cls = r.chance(0.8) ? 0x05 : 0x06;
      const off = 1 + r.int(Math.min(remaining - 1, 12));
      if (r.chance(0.5)) return [[cls | r.pick(jmpOps) | 0x08, r.int(10), r.int(10), off, 0]];
      return [[cls | r.pick(jmpOps), r.int(10), 0, off, small()]];
    }
    case 8: {
      // A helper call with plausible arguments.
      const out: Raw[] = [];
      if (r.chance(0.5)) out.push([0x18, 1, 1, 0, r.int(2)], [0, 0, 0, 0, 0]);
      if (r.chance(0.5)) out.push([0xbf, 2, 10, 0, 0], [0x07, 2, 0, 0, -8 * (1 + r.int(4))]);
      if (r.chance(0.3)) out.push([0xb7, 3, 0, 0, r.pick([0, 4, 8, 16])]);
      if (r.chance(0.3)) out.push([0xb7, 4, 0, 0, r.pick([0, 4, 8, 64])]);
      if (r.chance(0.3)) out.push([0xbf, 1, 9, 0, 0]);
      out.push([0x85, 0, 0, 0, r.pick(helpers)]);
      return out;
    }
    default:
      return [[0xb7, 0, 0, 0, r.int(4)], [0x95, 0, 0, 0, 0]];
  }
}

/** A random program with a plausible skeleton. */
export function randomProgram(r: Rng, index: number): VerifyInput {
  const [progType, attachType] = r.pick(kinds);
  const insns: Raw[] = prologue(r, progType);
  const len = 4 + r.int(40);
  for (let i = 0; i < len; i++) insns.push(...randomInsn(r, len - i));
  insns.push([0xb7, 0, 0, 0, r.int(3)], [0x95, 0, 0, 0, 0]);
  return { name: `random #${index}`, progType, attachType, insns: encode(insns), maps, strictAlignment: r.chance(0.3) };
}

/** A copy of `base` with a few random bytes changed. */
export function flipBytes(r: Rng, base: VerifyInput, index: number): VerifyInput {
  const insns = new Uint8Array(base.insns);
  const n = 1 + r.int(4);
  for (let k = 0; k < n && insns.length; k++) {
    const at = r.int(insns.length);
    insns[at] = r.chance(0.5) ? r.int(256) : insns[at]! ^ (1 << r.int(8));
  }
  return { ...base, name: `${base.name} flipped #${index}`, insns };
}

type Kind = 'u' | 's' | 'ctx' | 'pkt' | 'end' | 'val' | 'fp';

interface Shape {
  progType: number;
  attachType: number;
  /** Readable scalar context fields (offset, size). */
  fields: [number, number][];
  packet?: [data: number, end: number];
  writesPacket: boolean;
  ret: [number, number];
}

const shapes: Shape[] = [
  { progType: 6, attachType: 0, fields: [[12, 4], [16, 4]], packet: [0, 4], writesPacket: true, ret: [0, 4] },
  { progType: 3, attachType: 0, fields: [[0, 4], [4, 4], [8, 4], [16, 4], [40, 4], [0, 2], [8, 1]], packet: [76, 80], writesPacket: true, ret: [0, 7] },
  { progType: 8, attachType: 0, fields: [[0, 4], [8, 4], [16, 4]], packet: [76, 80], writesPacket: false, ret: [0, 1] },
  { progType: 18, attachType: 10, fields: [[0, 4], [4, 4], [24, 4], [28, 4], [4, 1], [4, 2]], writesPacket: false, ret: [0, 1] },
];

/**
 * A program built to be mostly valid: it tracks what each register holds and picks operations
 * that fit, checks packet bounds before reading, null-checks lookups; one fault in ten or so
 * (an access past what was checked, an unbounded index, a wrong return) makes some refused.
 */
export function plausibleProgram(r: Rng, index: number): VerifyInput {
  const shape = r.pick(shapes);
  const regs: Kind[] = ['u', 'ctx', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'fp'];
  const out: (Raw | 'to-out')[] = [];
  const emit = (...xs: Raw[]) => out.push(...xs);
  const scalarReg = (): number => {
    const c = [0, 2, 3, 4, 5].filter((k) => regs[k] === 's');
    return c.length ? r.pick(c) : -1;
  };
  emit([0xbf, 9, 1, 0, 0]);
  regs[9] = 'ctx';
  let range = 0;
  if (shape.packet) {
    emit([0x61, 7, 1, shape.packet[0], 0], [0x61, 8, 1, shape.packet[1], 0]);
    regs[7] = 'pkt';
    regs[8] = 'end';
  }
  if (r.chance(0.8)) {
    emit([0x62, 10, 0, -4, r.int(3)], [0xbf, 2, 10, 0, 0], [0x07, 2, 0, 0, -4]);
    emit([0x18, 1, 1, 0, r.chance(0.5) ? 0 : 1], [0, 0, 0, 0, 0], [0x85, 0, 0, 0, 1], [0xbf, 6, 0, 0, 0]);
    if (!r.chance(0.05)) out.push([0x15, 6, 0, 0, 0], 'to-out');
    regs[6] = 'val';
    for (const k of [0, 1, 2, 3, 4, 5]) regs[k] = 'u';
  }
  const steps = 5 + r.int(30);
  for (let i = 0; i < steps; i++) {
    const fault = r.chance(0.06);
    switch (r.int(9)) {
      case 0: {
        const [off, size] = r.pick(shape.fields);
        const d = r.pick([0, 2, 3, 4, 5]);
        emit([0x61 | (size === 4 ? 0 : size === 2 ? 0x08 : 0x10), d, 9, fault ? off + 1 : off, 0]);
        regs[d] = 's';
        break;
      }
      case 1: {
        const d = scalarReg();
        if (d < 0) {
          const k = r.pick([0, 2, 3, 4, 5]);
          emit([0xb7, k, 0, 0, r.int(100)]);
          regs[k] = 's';
          break;
        }
        const op = r.pick([0x00, 0x10, 0x20, 0x40, 0x50, 0x60, 0x70, 0xa0, 0xc0, 0x30, 0x90]);
        const cls = r.chance(0.8) ? 0x07 : 0x04;
        const shift = op === 0x60 || op === 0x70 || op === 0xc0;
        const s2 = scalarReg();
        if (!shift && s2 >= 0 && r.chance(0.3)) emit([cls | op | 0x08, d, s2, 0, 0]);
        else emit([cls | op, d, 0, 0, shift ? r.int(cls === 7 ? 63 : 31) + 1 : r.pick([1, 3, 7, 15, 63, 255, 0xfff, -1, 4, 8])]);
        break;
      }
      case 2: {
        if (!shape.packet) break;
        const k = r.pick([1, 2, 4, 8, 14, 20, 34, 42, 54]);
        emit([0xbf, 4, 7, 0, 0], [0x07, 4, 0, 0, k]);
        out.push([r.pick([0x2d, 0x3d]), 4, 8, 0, 0], 'to-out');
        regs[4] = 'pkt';
        range = Math.max(range, k);
        break;
      }
      case 3: {
        if (!shape.packet || range === 0) break;
        const size = r.pick([1, 2, 4, 8]);
        const off = fault ? range - size + 1 : r.int(Math.max(1, range - size + 1));
        if (off + size > range && !fault) break;
        const d = r.pick([0, 2, 3, 5]);
        const code = (size === 1 ? 0x10 : size === 2 ? 0x08 : size === 4 ? 0 : 0x18);
        if (r.chance(0.3) && shape.writesPacket) emit([0x62 | code, 7, 0, off, r.int(100)]);
        else {
          emit([0x61 | code, d, 7, off, 0]);
          regs[d] = 's';
        }
        break;
      }
      case 4: {
        if (regs[6] !== 'val') break;
        const size = r.pick([1, 2, 4, 8]);
        const off = fault ? 16 - size + r.pick([1, 4]) : r.int(17 - size) & ~(size - 1);
        const code = (size === 1 ? 0x10 : size === 2 ? 0x08 : size === 4 ? 0 : 0x18);
        if (r.chance(0.5)) emit([0x62 | code, 6, 0, off, r.int(1000)]);
        else {
          const d = r.pick([0, 2, 3, 5]);
          emit([0x61 | code, d, 6, off, 0]);
          regs[d] = 's';
        }
        break;
      }
      case 5: {
        if (regs[6] !== 'val') break;
        const s = scalarReg();
        if (s < 0) break;
        if (!fault) emit([0x57, s, 0, 0, 7]);
        emit([0xbf, 5, 6, 0, 0], [0x0f, 5, s, 0, 0], [0x71, 0, 5, 0, 0]);
        regs[5] = 'u';
        regs[0] = 's';
        break;
      }
      case 6: {
        const slot = -8 * (1 + r.int(6));
        const s = scalarReg();
        if (r.chance(0.5) && s >= 0) emit([0x7b, 10, s, slot, 0]);
        else if (r.chance(0.5)) emit([0x7a, 10, 0, slot, r.int(50)]);
        else {
          const d = r.pick([0, 2, 3]);
          emit([0x79, d, 10, slot, 0]);
          regs[d] = 's';
        }
        break;
      }
      case 7: {
        if (r.chance(0.5)) {
          // A linked copy, moved and checked, then the original used as an index.
          const a = scalarReg();
          if (a < 0 || regs[6] !== 'val') break;
          const b = r.pick([2, 3, 4, 5].filter((k) => k !== a));
          emit([r.chance(0.8) ? 0xbf : 0xbc, b, a, 0, 0]);
          regs[b] = 's';
          if (r.chance(0.7)) emit([r.pick([0x07, 0x07, 0x17, 0x04]), b, 0, 0, r.pick([1, 5, -5, 64, -64, 100])]);
          if (r.chance(0.2)) emit([0x07, b, 0, 0, 3]);
          out.push([r.pick([0x25, 0x35, 0xa5, 0xb5, 0x65, 0xc5, 0x26, 0x55]), b, 0, 0, r.pick([15, 20, 63, 69, 0])], 'to-out');
          emit([0xbf, 5, 6, 0, 0], [0x0f, 5, a, 0, 0], [0x71, 0, 5, 0, 0]);
          regs[5] = 'u';
          regs[0] = 's';
          break;
        }
        emit([0x85, 0, 0, 0, r.pick([5, 7, 8])]);
        for (const k of [1, 2, 3, 4, 5]) regs[k] = 'u';
        regs[0] = 's';
        break;
      }
      default: {
        const s = scalarReg();
        if (s < 0) break;
        out.push([r.pick([0x15, 0x25, 0x35, 0x55, 0xa5, 0xb5, 0x65, 0x45, 0x16, 0x26]), s, 0, 0, r.int(64)], 'to-out');
      }
    }
  }
  const retVal = r.chance(0.1) ? shape.ret[1] + 1 : shape.ret[0] + r.int(shape.ret[1] - shape.ret[0] + 1);
  emit([0xb7, 0, 0, 0, retVal], [0x95, 0, 0, 0, 0]);
  const outAt = out.filter((x) => x !== 'to-out').length;
  emit([0xb7, 0, 0, 0, shape.ret[0]], [0x95, 0, 0, 0, 0]);
  // Resolve the branches to the out block.
  const raws: Raw[] = [];
  for (let i = 0; i < out.length; i++) {
    const x = out[i]!;
    if (x === 'to-out') continue;
    if (out[i + 1] === 'to-out') x[3] = outAt - raws.length - 1;
    raws.push(x);
  }
  return { name: `plausible #${index}`, progType: shape.progType, attachType: shape.attachType, insns: encode(raws), maps, strictAlignment: r.chance(0.3) };
}
