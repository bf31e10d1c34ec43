// The eleven eBPF registers as values distinct from numbers, so that the assembler can tell
// `mov64(R1, R2)` (a register) from `mov64(R1, 2)` (an immediate).
//
// Calling convention (from the ISA): R0 return value; R1-R5 arguments, clobbered by calls;
// R6-R9 callee-saved; R10 the read-only frame pointer (512-byte stack below it).

export interface Reg {
  readonly kind: 'reg';
  /** 0..10, the value of the dst/src field. */
  readonly n: number;
  readonly name: string;
}

function make(n: number): Reg {
  return Object.freeze({ kind: 'reg' as const, n, name: `r${n}` });
}

export const R0 = make(0);
export const R1 = make(1);
export const R2 = make(2);
export const R3 = make(3);
export const R4 = make(4);
export const R5 = make(5);
export const R6 = make(6);
export const R7 = make(7);
export const R8 = make(8);
export const R9 = make(9);
export const R10 = make(10);
/** The frame pointer; the same register as R10. */
export const FP = R10;

export const registers: readonly Reg[] = Object.freeze([R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10]);

/** The register numbered `n`; throws for anything but 0..10. */
export function reg(n: number): Reg {
  const r = registers[n];
  if (!r) throw new RangeError(`register r${n}: eBPF has r0..r10`);
  return r;
}

export function isReg(x: unknown): x is Reg {
  return typeof x === 'object' && x !== null && (x as Reg).kind === 'reg';
}

/** The stack size every program gets below R10. */
export const STACK_SIZE = 512;
