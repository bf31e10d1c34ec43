// Map definitions as the compiler declares them, and their encoding in BTF the way libbpf's
// `__uint`/`__type`/`__array` macros write it, so libbpf, bpftool and our loader all read them.

import type { BtfBuilder } from './btf-write.ts';
import { sizeOf, typeName, type CType } from './ctype.ts';
import { BtfLinkage } from '../../format/bpf-object-btf.ts';
import { mapTypes, type MapTypeName } from '../../format/bpf-uapi.ts';

/** enum bpf_map_type, by the names map definitions use. */
export const MapType = mapTypes;

export type { MapTypeName };

export const BPF_F_NO_PREALLOC = 1 << 0;
/** libbpf's pinning attribute: LIBBPF_PIN_BY_NAME. */
export const PIN_BY_NAME = 1;

export interface MapDef {
  name: string;
  type: MapTypeName;
  /** A C type (described in BTF), or a size in bytes for opaque keys. */
  key: CType | number;
  /** The value type; for map-in-maps leave it out and give `inner`. */
  value?: CType | number;
  maxEntries: number;
  flags?: number;
  /** 'by_name': the loader pins it under its bpffs directory by name and reuses it on reload. */
  pinning?: 'none' | 'by_name';
  /** For array_of_maps / hash_of_maps: the definition every inner map follows. */
  inner?: Omit<MapDef, 'name'>;
}

const isMapInMap = (d: Omit<MapDef, 'name'>): boolean => d.type === 'array_of_maps' || d.type === 'hash_of_maps';

/** Problems with a definition, as messages naming the map; empty when it is well-formed. */
export function checkMapDef(d: Omit<MapDef, 'name'> & { name?: string }): string[] {
  const name = `map ${d.name ?? '(inner)'}`;
  const out: string[] = [];
  if (!(d.type in MapType)) out.push(`${name}: unknown map type ${d.type} (known: ${Object.keys(MapType).join(', ')})`);
  const keySize = typeof d.key === 'number' ? d.key : sizeOf(d.key);
  // Socket-local storage lives in the sockets: the kernel wants no size, a 32-bit int key and
  // BPF_F_NO_PREALLOC (Documentation/bpf/map_sk_storage.rst).
  if (d.type === 'sk_storage') {
    if (d.maxEntries !== 0) out.push(`${name}: an sk_storage map has max_entries 0, not ${d.maxEntries}`);
    if (!((d.flags ?? 0) & BPF_F_NO_PREALLOC)) out.push(`${name}: sk_storage maps need BPF_F_NO_PREALLOC in flags`);
    if (keySize !== 4) out.push(`${name}: an sk_storage key is a 32-bit int, not ${keySize} bytes`);
    if (typeof d.key === 'number' || typeof d.value === 'number') out.push(`${name}: an sk_storage map needs key and value types (the kernel creates it only with their BTF)`);
  } else if (!Number.isInteger(d.maxEntries) || d.maxEntries < 1 || d.maxEntries > 0xffffffff) out.push(`${name}: max_entries ${d.maxEntries} must be 1..2^32-1`);
  if (keySize < 1 && d.type !== 'ringbuf') out.push(`${name}: key of ${keySize} bytes`);
  if (isMapInMap(d)) {
    if (!d.inner) out.push(`${name}: a ${d.type} needs 'inner', the definition of its inner maps`);
    else out.push(...checkMapDef({ ...d.inner, name: `${d.name ?? ''}.inner` }));
    if (d.value !== undefined) out.push(`${name}: a ${d.type} holds map fds; give 'inner', not 'value'`);
  } else if (d.value === undefined) out.push(`${name}: no value type`);
  if (d.type === 'lpm_trie' && !((d.flags ?? 0) & BPF_F_NO_PREALLOC)) out.push(`${name}: lpm_trie maps need BPF_F_NO_PREALLOC in flags`);
  if (d.type === 'lpm_trie' && (typeof d.key === 'number' || d.key.kind !== 'struct')) out.push(`${name}: an lpm_trie key must be a struct (prefix length first)`);
  return out;
}

/** `int (*name)[n]`: how libbpf encodes a number as a type. */
function uintMember(btf: BtfBuilder, n: number): number {
  return btf.ptr(btf.array(btf.int('int', 4, true), btf.arrayIndexType(), n));
}

/**
 * The definition struct of one map; returns its BTF id and size in bytes. Top-level definitions
 * are anonymous as clang writes them; an inner definition is named `<outer>_inner`.
 */
export function mapDefBtf(btf: BtfBuilder, d: Omit<MapDef, 'name'>, outerName: string, structName = ''): { id: number; size: number } {
  const members: { name: string; type: number }[] = [];
  members.push({ name: 'type', type: uintMember(btf, MapType[d.type]) });
  members.push({ name: 'max_entries', type: uintMember(btf, d.maxEntries) });
  if (typeof d.key === 'number') members.push({ name: 'key_size', type: uintMember(btf, d.key) });
  else members.push({ name: 'key', type: btf.ptr(btf.ctype(d.key)) });
  if (d.value !== undefined) {
    if (typeof d.value === 'number') members.push({ name: 'value_size', type: uintMember(btf, d.value) });
    else members.push({ name: 'value', type: btf.ptr(btf.ctype(d.value)) });
  }
  if (d.flags) members.push({ name: 'map_flags', type: uintMember(btf, d.flags) });
  if (d.pinning === 'by_name') members.push({ name: 'pinning', type: uintMember(btf, PIN_BY_NAME) });
  // `values` comes last and has no size: an array of zero pointers to the inner definition.
  const sized = members.length;
  if (d.inner) {
    const inner = mapDefBtf(btf, d.inner, outerName, `${outerName}_inner`);
    members.push({ name: 'values', type: btf.array(btf.ptr(inner.id), btf.arrayIndexType(), 0) });
  }
  const size = sized * 8;
  const id = btf.struct(structName, size, members.map((m, i) => ({ ...m, bitOffset: Math.min(i, sized) * 64 })));
  return { id, size };
}

export interface MapsLayout {
  /** The `.maps` section's size (zeros: libbpf reads definitions from BTF only). */
  size: number;
  /** Byte offset of each map's definition in `.maps`, by name, in declaration order. */
  offsets: Map<string, { offset: number; size: number }>;
}

/** Adds the `.maps` DATASEC (a VAR per map) to BTF and lays out the section. */
export function mapsBtf(btf: BtfBuilder, maps: readonly MapDef[]): MapsLayout {
  const vars: { type: number; offset: number; size: number }[] = [];
  const offsets = new Map<string, { offset: number; size: number }>();
  let offset = 0;
  for (const m of maps) {
    const def = mapDefBtf(btf, m, m.name);
    vars.push({ type: btf.variable(m.name, def.id, BtfLinkage.GLOBAL), offset, size: def.size });
    offsets.set(m.name, { offset, size: def.size });
    offset += def.size;
  }
  if (maps.length) btf.datasec('.maps', offset, vars);
  return { size: offset, offsets };
}

export function describeMap(d: MapDef): string {
  const t = (x: CType | number | undefined) => (x === undefined ? '-' : typeof x === 'number' ? `${x} bytes` : typeName(x));
  return `${d.name}: ${d.type}, key ${t(d.key)}, value ${d.inner ? `map (${d.inner.type})` : t(d.value)}, max ${d.maxEntries}`;
}
