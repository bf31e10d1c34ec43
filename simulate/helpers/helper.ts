// The shape of a simulated helper: the node's state, then r1-r5 as numbers (exact below 2^53,
// see translate/call.ts); it returns r0.

import type { SimEnv } from '../env.ts';

export type Helper = (env: SimEnv, a1: number, a2: number, a3: number, a4: number, a5: number) => number;

/**
 * Helper arguments declared u32 or int in the kernel's prototype: the low 32 bits, as it
 * truncates them (JavaScript's ToUint32/ToInt32 take an exact integer modulo 2^32).
 */
export const u32 = (x: number): number => x >>> 0;
export const s32 = (x: number): number => x | 0;
