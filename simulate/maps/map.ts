// What every simulated map offers: the operations of the map helpers, on keys and values that
// live in the simulator's memory (values stay where they are, so a program writes through the
// pointer a lookup returned, as in the kernel), and the same operations on byte arrays for
// loading contents and reading state from TypeScript. Results are 0 or a negative errno.

import type { BpfMapDef } from '../../format/bpf-object.ts';

export const errno = { ENOENT: 2, E2BIG: 7, EFAULT: 14, EEXIST: 17, EINVAL: 22, ERANGE: 34, ENOTSUPP: 524 } as const;

/** bpf_map_update_elem flags. */
export const BPF_ANY = 0;
export const BPF_NOEXIST = 1;
export const BPF_EXIST = 2;
export const BPF_F_LOCK = 4;

export interface SimMap {
  readonly def: BpfMapDef;
  /** The address of the value for the key at `keyAt`, or 0. */
  lookup(keyAt: number): number;
  update(keyAt: number, valueAt: number, flags: number): number;
  delete(keyAt: number): number;
  /** The value's bytes (a copy) for a key, or undefined. */
  get(key: Uint8Array): Uint8Array | undefined;
  /** Sets an entry from TypeScript; throws when the map refuses it (full, bad index). */
  set(key: Uint8Array, value: Uint8Array): void;
  remove(key: Uint8Array): boolean;
  /** Every entry (copies), in the map's iteration order. */
  entries(): Array<{ key: Uint8Array; value: Uint8Array }>;
  readonly size: number;
}

/** A key's bytes as a string, for JavaScript Map keys: two bytes per UTF-16 unit (a trailing odd byte alone). */
export function keyString(u8: Uint8Array, at: number, size: number): string {
  let s = '';
  let i = 0;
  for (; i + 1 < size; i += 2) s += String.fromCharCode(u8[at + i]! | (u8[at + i + 1]! << 8));
  if (i < size) s += String.fromCharCode(u8[at + i]!);
  return s;
}

/** The inverse of keyString, for a key of `size` bytes. */
export function keyBytes(k: string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    out[2 * i] = c & 0xff;
    if (2 * i + 1 < size) out[2 * i + 1] = c >> 8;
  }
  return out;
}

export class MapError extends Error {
  constructor(map: string, message: string) {
    super(`map ${map}: ${message}`);
    this.name = 'MapError';
  }
}
