// The program under verification, decoded once into flat arrays, with the maps it references
// and the load attributes (program type, expected attach type, strict alignment).

import { LD_IMM64 } from './opcode';

export class MapInfo {
  type: i32 = 0;
  keySize: i32 = 0;
  valueSize: i32 = 0;
  maxEntries: i32 = 0;
  flags: i32 = 0;
  /** Index of the inner map template for map-in-map types, or -1. */
  inner: i32 = -1;
}

export class Program {
  count: i32 = 0;
  code: StaticArray<u8>;
  dst: StaticArray<u8>;
  src: StaticArray<u8>;
  off: StaticArray<i16>;
  imm: StaticArray<i32>;
  /** For an LD_IMM64: the high 32 bits of its constant (the second slot's imm). */
  immHi: StaticArray<i32>;
  maps: Array<MapInfo> = new Array<MapInfo>();
  progType: i32 = 0;
  attachType: i32 = 0;
  strictAlignment: bool = false;

  constructor(bytes: Uint8Array) {
    const n = bytes.length >> 3;
    this.count = n;
    this.code = new StaticArray<u8>(n);
    this.dst = new StaticArray<u8>(n);
    this.src = new StaticArray<u8>(n);
    this.off = new StaticArray<i16>(n);
    this.imm = new StaticArray<i32>(n);
    this.immHi = new StaticArray<i32>(n);
    const base = bytes.dataStart;
    for (let i = 0; i < n; i++) {
      const p = base + (<usize>i << 3);
      const code = load<u8>(p);
      const regs = load<u8>(p, 1);
      unchecked((this.code[i] = code));
      unchecked((this.dst[i] = regs & 0x0f));
      unchecked((this.src[i] = regs >> 4));
      unchecked((this.off[i] = load<i16>(p, 2)));
      unchecked((this.imm[i] = load<i32>(p, 4)));
      if (code == LD_IMM64 && i + 1 < n) unchecked((this.immHi[i] = load<i32>(p, 12)));
    }
  }

  /** The 64-bit constant of the LD_IMM64 at `i`. */
  imm64(i: i32): u64 {
    return (<u64>(<u32>this.immHi[i]) << 32) | <u64>(<u32>this.imm[i]);
  }
}

/** The one program being verified; the verifier runs one program at a time. */
export let prog: Program = changetype<Program>(0);

export function setProgram(p: Program): void {
  prog = p;
}
