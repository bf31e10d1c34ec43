// C types with explicit layouts, for what BTF must describe: map keys and values (so bpftool
// prints them field by field) and program signatures. Values, not classes; builders check sizes.

export type CType =
  | { readonly kind: 'int'; readonly name: string; readonly size: 1 | 2 | 4 | 8; readonly signed: boolean; readonly bool?: boolean }
  | { readonly kind: 'struct' | 'union'; readonly name: string; readonly size: number; readonly members: readonly CMember[] }
  | { readonly kind: 'array'; readonly of: CType; readonly length: number }
  | { readonly kind: 'ptr'; readonly to: CType | 'void' }
  | { readonly kind: 'typedef'; readonly name: string; readonly type: CType };

export interface CMember {
  readonly name: string;
  readonly type: CType;
  /** Byte offset within the struct. */
  readonly offset: number;
}

const int = (name: string, size: 1 | 2 | 4 | 8, signed: boolean): CType => Object.freeze({ kind: 'int', name, size, signed });

/** The kernel's spellings, so BTF reads like the uapi headers. */
export const u8 = int('__u8', 1, false);
export const u16 = int('__u16', 2, false);
export const u32 = int('__u32', 4, false);
export const u64 = int('__u64', 8, false);
export const s8 = int('__s8', 1, true);
export const s16 = int('__s16', 2, true);
export const s32 = int('__s32', 4, true);
export const s64 = int('__s64', 8, true);
export const cint = int('int', 4, true);
/** Network-order fields keep their width; BTF has no byte order, the name says it. */
export const be16 = int('__be16', 2, false);
export const be32 = int('__be32', 4, false);

export function sizeOf(t: CType): number {
  switch (t.kind) {
    case 'int':
    case 'struct':
    case 'union':
      return t.size;
    case 'array':
      return t.length * sizeOf(t.of);
    case 'ptr':
      return 8;
    case 'typedef':
      return sizeOf(t.type);
  }
}

export function alignOf(t: CType): number {
  switch (t.kind) {
    case 'int':
      return t.size;
    case 'ptr':
      return 8;
    case 'array':
      return alignOf(t.of);
    case 'typedef':
      return alignOf(t.type);
    default:
      return t.members.reduce((a, m) => Math.max(a, alignOf(m.type)), 1);
  }
}

export const array = (of: CType, length: number): CType => {
  if (!Number.isInteger(length) || length < 0) throw new RangeError(`array of ${typeName(of)}: length ${length}`);
  return Object.freeze({ kind: 'array', of, length });
};
export const ptr = (to: CType | 'void'): CType => Object.freeze({ kind: 'ptr', to });

/**
 * A struct laid out as C would (each member at its natural alignment, size rounded up), unless
 * members give explicit offsets: then those are checked not to overlap and `size` may be given.
 */
export function struct(
  name: string,
  members: readonly (readonly [string, CType] | { name: string; type: CType; offset: number })[],
  size?: number,
): CType {
  const out: CMember[] = [];
  let end = 0;
  let align = 1;
  for (const m of members) {
    const [mName, type, given] = Array.isArray(m) ? [m[0], m[1], undefined] : [(m as CMember).name, (m as CMember).type, (m as CMember).offset];
    const a = alignOf(type);
    align = Math.max(align, a);
    const offset = given ?? Math.ceil(end / a) * a;
    if (offset < end) throw new RangeError(`struct ${name}: member ${mName} at offset ${offset} overlaps the previous member (ends at ${end})`);
    out.push(Object.freeze({ name: mName, type, offset }));
    end = offset + sizeOf(type);
  }
  const natural = Math.ceil(end / align) * align;
  const total = size ?? natural;
  if (total < end) throw new RangeError(`struct ${name}: size ${total} is smaller than its members (${end} bytes)`);
  return Object.freeze({ kind: 'struct', name, size: total, members: Object.freeze(out) });
}

export function typeName(t: CType | 'void'): string {
  if (t === 'void') return 'void';
  switch (t.kind) {
    case 'int':
    case 'typedef':
      return t.name;
    case 'struct':
    case 'union':
      return `${t.kind} ${t.name || '(anon)'}`;
    case 'array':
      return `${typeName(t.of)}[${t.length}]`;
    case 'ptr':
      return `${typeName(t.to)} *`;
  }
}
