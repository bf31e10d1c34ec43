// Struct layouts: fields follow one another in declaration order, each naturally aligned, and
// every byte belongs to a field, so padding is always written out (`_pad: u16`). A field tagged
// `@offset N` starts at N instead (how kernel unions are declared); the next field follows it.

import type { SourceRange } from '../../diagnostics.ts';
import { Diagnostics } from '../../diagnostics.ts';
import { codes } from '../codes.ts';
import { alignOf, sizeOf, typeName, type Field, type MemType, type StructType } from './types.ts';

export interface FieldDecl {
  name: string;
  type: MemType;
  /** From an `@offset N` tag. */
  offset?: number;
  readonly: boolean;
  range?: SourceRange;
}

function padSuggestion(bytes: number): string {
  if (bytes === 1) return 'u8';
  if (bytes === 2) return 'u16';
  if (bytes === 4) return 'u32';
  return `FixedArray<u8, ${bytes}>`;
}

/** Lays out a struct; problems are reported and the layout is still returned (best effort). */
export function layoutStruct(name: string, decls: readonly FieldDecl[], diags: Diagnostics, range?: SourceRange): StructType {
  const fields: Field[] = [];
  let next = 0;
  let align = 1;
  for (const d of decls) {
    const offset = d.offset ?? next;
    const a = alignOf(d.type);
    if (offset % a !== 0) {
      diags.report(
        codes.SY3020,
        `${name}.${d.name} (${typeName(d.type)}) at byte ${offset} is not aligned to ${a} bytes; ` +
          `move it or add padding before it`,
        d.range ?? range,
      );
    }
    align = Math.max(align, a);
    fields.push({ name: d.name, offset, type: d.type, readonly: d.readonly });
    next = offset + sizeOf(d.type);
  }
  const end = Math.max(0, ...fields.map((f) => f.offset + sizeOf(f.type)));
  const size = Math.ceil(end / align) * align;

  // Every byte must belong to some field: padding the compiler would invent is padding that a
  // map key hashes and a reviewer cannot see.
  const covered = new Uint8Array(size);
  for (const f of fields) covered.fill(1, f.offset, f.offset + sizeOf(f.type));
  for (let i = 0; i < size; ) {
    if (covered[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < size && !covered[j]) j++;
    const after = [...fields].reverse().find((f) => f.offset + sizeOf(f.type) <= i);
    const where = after ? `after ${after.name}` : 'at the start';
    diags.report(
      codes.SY3021,
      `${name} has ${j - i} byte(s) of implicit padding ${where} (bytes ${i}..${j - 1}); ` +
        `declare them, e.g. \`_pad${i}: ${padSuggestion(j - i)}\``,
      range,
    );
    i = j;
  }
  return Object.freeze({ kind: 'struct' as const, name, size, align, fields: Object.freeze(fields) });
}

export function fieldOf(s: StructType, name: string): Field | undefined {
  return s.fields.find((f) => f.name === name);
}
