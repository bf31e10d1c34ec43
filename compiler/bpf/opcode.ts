// The eBPF opcode byte, field by field, as the kernel's instruction-set document defines it:
// constants with their names, and small functions that take an opcode apart.

/** The low three bits: the instruction class. */
export const Class = {
  LD: 0x00,
  LDX: 0x01,
  ST: 0x02,
  STX: 0x03,
  ALU: 0x04,
  JMP: 0x05,
  JMP32: 0x06,
  ALU64: 0x07,
} as const;

/** Load/store size, bits 3-4 of LD/LDX/ST/STX. */
export const Size = { W: 0x00, H: 0x08, B: 0x10, DW: 0x18 } as const;

/** Load/store mode, bits 5-7 of LD/LDX/ST/STX. */
export const Mode = {
  IMM: 0x00,
  /** Legacy packet access (skb only), kept so that any valid program decodes. */
  ABS: 0x20,
  IND: 0x40,
  MEM: 0x60,
  /** Sign-extending load (LDX only). */
  MEMSX: 0x80,
  ATOMIC: 0xc0,
} as const;

/** Operand source, bit 3 of ALU/JMP: the immediate or the src register. */
export const Source = { K: 0x00, X: 0x08 } as const;

/** ALU and ALU64 operations, bits 4-7. */
export const AluOp = {
  ADD: 0x00,
  SUB: 0x10,
  MUL: 0x20,
  /** off=1 makes it signed. */
  DIV: 0x30,
  OR: 0x40,
  AND: 0x50,
  LSH: 0x60,
  RSH: 0x70,
  NEG: 0x80,
  /** off=1 makes it signed. */
  MOD: 0x90,
  XOR: 0xa0,
  /** off=8/16/32 makes it sign-extend from that width. */
  MOV: 0xb0,
  ARSH: 0xc0,
  /** Byte order: ALU with Source.K = to little endian, Source.X = to big endian; ALU64 = bswap. */
  END: 0xd0,
} as const;

/** JMP and JMP32 operations, bits 4-7. */
export const JmpOp = {
  JA: 0x00,
  JEQ: 0x10,
  JGT: 0x20,
  JGE: 0x30,
  JSET: 0x40,
  JNE: 0x50,
  JSGT: 0x60,
  JSGE: 0x70,
  CALL: 0x80,
  EXIT: 0x90,
  JLT: 0xa0,
  JLE: 0xb0,
  JSLT: 0xc0,
  JSLE: 0xd0,
} as const;

/** The imm field of an atomic instruction (Mode.ATOMIC). */
export const AtomicOp = {
  ADD: 0x00,
  OR: 0x40,
  AND: 0x50,
  XOR: 0xa0,
  /** Or-ed into ADD/OR/AND/XOR: the old value comes back in src. */
  FETCH: 0x01,
  XCHG: 0xe1,
  CMPXCHG: 0xf1,
} as const;

/** The src field of an LD_IMM64: what the 64-bit immediate stands for. */
export const Pseudo = {
  NONE: 0,
  MAP_FD: 1,
  MAP_VALUE: 2,
  BTF_ID: 3,
  FUNC: 4,
  MAP_IDX: 5,
  MAP_IDX_VALUE: 6,
} as const;

/** The src field of a CALL: a helper by number, a BPF-to-BPF call, or a kernel function by BTF id. */
export const CallSrc = { HELPER: 0, LOCAL: 1, KFUNC: 2 } as const;

/** The one opcode that takes two slots. */
export const LD_IMM64 = Class.LD | Mode.IMM | Size.DW;

export type SizeName = 'u8' | 'u16' | 'u32' | 'u64';
/** Sign-extending loads name their size with an `s`. */
export type SignedSizeName = 's8' | 's16' | 's32';

const sizeByName: Record<SizeName, number> = { u8: Size.B, u16: Size.H, u32: Size.W, u64: Size.DW };
const nameBySize: Record<number, SizeName> = { [Size.B]: 'u8', [Size.H]: 'u16', [Size.W]: 'u32', [Size.DW]: 'u64' };
const bytesBySize: Record<number, number> = { [Size.B]: 1, [Size.H]: 2, [Size.W]: 4, [Size.DW]: 8 };

export function sizeCode(name: SizeName): number {
  return sizeByName[name];
}

export const classOf = (op: number): number => op & 0x07;
export const sizeOf = (op: number): number => op & 0x18;
export const modeOf = (op: number): number => op & 0xe0;
export const sourceOf = (op: number): number => op & 0x08;
export const operationOf = (op: number): number => op & 0xf0;

export function sizeName(op: number): SizeName {
  return nameBySize[sizeOf(op)]!;
}

/** Access width in bytes of a load or store opcode. */
export function sizeBytes(op: number): number {
  return bytesBySize[sizeOf(op)]!;
}

export const isAlu = (op: number): boolean => classOf(op) === Class.ALU || classOf(op) === Class.ALU64;
export const isJmp = (op: number): boolean => classOf(op) === Class.JMP || classOf(op) === Class.JMP32;
export const isLoadStore = (op: number): boolean => classOf(op) <= Class.STX;

export const className: Record<number, string> = Object.fromEntries(Object.entries(Class).map(([k, v]) => [v, k]));
export const aluOpName: Record<number, string> = Object.fromEntries(Object.entries(AluOp).map(([k, v]) => [v, k]));
export const jmpOpName: Record<number, string> = Object.fromEntries(Object.entries(JmpOp).map(([k, v]) => [v, k]));
export const modeName: Record<number, string> = Object.fromEntries(Object.entries(Mode).map(([k, v]) => [v, k]));

/**
 * A readable name for an opcode byte, for error messages: `ALU64|ADD|X`, `LDX|MEM|W`.
 * Listings use the kernel/llvm syntax instead (listing.ts).
 */
export function opcodeName(op: number): string {
  const cls = classOf(op);
  if (isAlu(op)) return `${className[cls]}|${aluOpName[operationOf(op)] ?? '?'}|${sourceOf(op) ? 'X' : 'K'}`;
  if (isJmp(op)) return `${className[cls]}|${jmpOpName[operationOf(op)] ?? '?'}|${sourceOf(op) ? 'X' : 'K'}`;
  const size = Object.entries(Size).find(([, v]) => v === sizeOf(op))![0];
  return `${className[cls]}|${modeName[modeOf(op)] ?? '?'}|${size}`;
}
