// The eBPF instruction encoding as the ISA document defines it: classes, sizes, modes,
// operations. The wasm cannot import the compiler's TypeScript, so the facts are restated here.

export const CLS_LD: u8 = 0x00;
export const CLS_LDX: u8 = 0x01;
export const CLS_ST: u8 = 0x02;
export const CLS_STX: u8 = 0x03;
export const CLS_ALU: u8 = 0x04;
export const CLS_JMP: u8 = 0x05;
export const CLS_JMP32: u8 = 0x06;
export const CLS_ALU64: u8 = 0x07;

export const SZ_W: u8 = 0x00;
export const SZ_H: u8 = 0x08;
export const SZ_B: u8 = 0x10;
export const SZ_DW: u8 = 0x18;

export const MODE_IMM: u8 = 0x00;
export const MODE_ABS: u8 = 0x20;
export const MODE_IND: u8 = 0x40;
export const MODE_MEM: u8 = 0x60;
export const MODE_MEMSX: u8 = 0x80;
export const MODE_ATOMIC: u8 = 0xc0;

export const SRC_K: u8 = 0x00;
export const SRC_X: u8 = 0x08;

export const ALU_ADD: u8 = 0x00;
export const ALU_SUB: u8 = 0x10;
export const ALU_MUL: u8 = 0x20;
export const ALU_DIV: u8 = 0x30;
export const ALU_OR: u8 = 0x40;
export const ALU_AND: u8 = 0x50;
export const ALU_LSH: u8 = 0x60;
export const ALU_RSH: u8 = 0x70;
export const ALU_NEG: u8 = 0x80;
export const ALU_MOD: u8 = 0x90;
export const ALU_XOR: u8 = 0xa0;
export const ALU_MOV: u8 = 0xb0;
export const ALU_ARSH: u8 = 0xc0;
export const ALU_END: u8 = 0xd0;

export const JMP_JA: u8 = 0x00;
export const JMP_JEQ: u8 = 0x10;
export const JMP_JGT: u8 = 0x20;
export const JMP_JGE: u8 = 0x30;
export const JMP_JSET: u8 = 0x40;
export const JMP_JNE: u8 = 0x50;
export const JMP_JSGT: u8 = 0x60;
export const JMP_JSGE: u8 = 0x70;
export const JMP_CALL: u8 = 0x80;
export const JMP_EXIT: u8 = 0x90;
export const JMP_JLT: u8 = 0xa0;
export const JMP_JLE: u8 = 0xb0;
export const JMP_JSLT: u8 = 0xc0;
export const JMP_JSLE: u8 = 0xd0;

export const ATOMIC_FETCH: i32 = 0x01;
export const ATOMIC_XCHG: i32 = 0xe1;
export const ATOMIC_CMPXCHG: i32 = 0xf1;

export const LD_IMM64: u8 = 0x18;

/** src of an LD_IMM64. */
export const PSEUDO_MAP_FD: u8 = 1;
export const PSEUDO_MAP_VALUE: u8 = 2;
export const PSEUDO_BTF_ID: u8 = 3;
export const PSEUDO_FUNC: u8 = 4;
export const PSEUDO_MAP_IDX: u8 = 5;
export const PSEUDO_MAP_IDX_VALUE: u8 = 6;

/** src of a CALL. */
export const CALL_HELPER: u8 = 0;
export const CALL_LOCAL: u8 = 1;
export const CALL_KFUNC: u8 = 2;

// @ts-ignore: decorator
@inline export function classOf(code: u8): u8 {
  return code & 0x07;
}
// @ts-ignore: decorator
@inline export function opOf(code: u8): u8 {
  return code & 0xf0;
}
// @ts-ignore: decorator
@inline export function modeOf(code: u8): u8 {
  return code & 0xe0;
}
// @ts-ignore: decorator
@inline export function srcOf(code: u8): u8 {
  return code & 0x08;
}

/** Bytes accessed by a load/store opcode. */
export function sizeBytes(code: u8): i32 {
  const s = code & 0x18;
  if (s == SZ_B) return 1;
  if (s == SZ_H) return 2;
  if (s == SZ_W) return 4;
  return 8;
}

/** The size as the kernel's log writes it. */
export function sizeName(bytes: i32): string {
  if (bytes == 1) return 'u8';
  if (bytes == 2) return 'u16';
  if (bytes == 4) return 'u32';
  return 'u64';
}

export function isCondJmp(code: u8): bool {
  const c = classOf(code);
  if (c != CLS_JMP && c != CLS_JMP32) return false;
  const op = opOf(code);
  return op != JMP_JA && op != JMP_CALL && op != JMP_EXIT;
}
