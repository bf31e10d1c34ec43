// Reads BTF-defined map definitions: each variable of the `.maps` DATASEC is a struct whose
// members encode the attributes the way libbpf's macros write them: `__uint(name, n)` is a
// pointer to an array of n ints, `__type(key, T)` a pointer to T, `__array(values, S)` an
// array of pointers to the inner map's definition struct S.

import type { Btf } from './bpf-object-btf.ts';
import type { BpfMapDef } from './bpf-object.ts';
import { btfSizeOf, btfType, skipModifiers, BtfError } from './btf-read.ts';

/** Members whose value is the element count of the pointed-to array (`__uint`). */
const numericMembers = ['type', 'max_entries', 'map_flags', 'numa_node', 'key_size', 'value_size', 'pinning', 'map_extra'] as const;

function uintMember(btf: Btf, typeId: number, what: string): number {
  const ptr = btfType(btf, skipModifiers(btf, typeId));
  if (ptr.kind !== 'PTR') throw new BtfError(`${what}: expected __uint (a pointer to an array), got ${ptr.kind}`);
  const arr = btfType(btf, skipModifiers(btf, ptr.type));
  if (arr.kind !== 'ARRAY') throw new BtfError(`${what}: expected __uint (a pointer to an array), got a pointer to ${arr.kind}`);
  return arr.nelems;
}

function pointee(btf: Btf, typeId: number, what: string): number {
  const ptr = btfType(btf, skipModifiers(btf, typeId));
  if (ptr.kind !== 'PTR') throw new BtfError(`${what}: expected __type (a pointer to the type), got ${ptr.kind}`);
  return ptr.type;
}

/** Parses one map definition struct. `name` is for messages and the result. */
export function readMapDef(btf: Btf, name: string, defTypeId: number): BpfMapDef {
  const def = btfType(btf, skipModifiers(btf, defTypeId));
  if (def.kind !== 'STRUCT') throw new BtfError(`map ${name}: its definition is a ${def.kind}, expected a struct`);
  const out: BpfMapDef = {
    name,
    type: 0,
    keySize: 0,
    valueSize: 0,
    maxEntries: 0,
    flags: 0,
    pinning: 0,
    numaNode: 0,
    mapExtra: 0n,
    keyTypeId: 0,
    valueTypeId: 0,
    defTypeId: def.id,
  };
  for (const m of def.members) {
    const what = `map ${name}: member ${m.name}`;
    switch (m.name) {
      case 'key':
      case 'value': {
        const t = pointee(btf, m.type, what);
        const size = btfSizeOf(btf, t);
        if (m.name === 'key') (out.keyTypeId = t), (out.keySize = size);
        else (out.valueTypeId = t), (out.valueSize = size);
        break;
      }
      case 'values': {
        const arr = btfType(btf, skipModifiers(btf, m.type));
        if (arr.kind !== 'ARRAY') throw new BtfError(`${what}: expected __array (an array of pointers), got ${arr.kind}`);
        const elem = btfType(btf, skipModifiers(btf, arr.type));
        if (elem.kind !== 'PTR') throw new BtfError(`${what}: expected an array of pointers, got an array of ${elem.kind}`);
        const target = btfType(btf, skipModifiers(btf, elem.type));
        // Prog arrays point at function prototypes; only map-in-maps have an inner definition.
        if (target.kind === 'STRUCT') out.inner = readMapDef(btf, `${name}.inner`, target.id);
        if (out.valueSize === 0) out.valueSize = 4;
        break;
      }
      default: {
        if (!(numericMembers as readonly string[]).includes(m.name)) {
          throw new BtfError(`${what}: unknown map attribute (known: ${[...numericMembers, 'key', 'value', 'values'].join(', ')})`);
        }
        const v = uintMember(btf, m.type, what);
        if (m.name === 'type') out.type = v;
        else if (m.name === 'max_entries') out.maxEntries = v;
        else if (m.name === 'map_flags') out.flags = v;
        else if (m.name === 'numa_node') out.numaNode = v;
        else if (m.name === 'key_size') out.keySize = v;
        else if (m.name === 'value_size') out.valueSize = v;
        else if (m.name === 'pinning') out.pinning = v;
        else out.mapExtra = BigInt(v);
      }
    }
  }
  return out;
}

/**
 * The maps of the `.maps` DATASEC by variable name. Offsets are not taken from BTF: clang leaves
 * DATASEC offsets 0 and libbpf fixes them up from the symbol table, so callers use the symbols.
 */
export function readMaps(btf: Btf): Map<string, BpfMapDef> {
  const out = new Map<string, BpfMapDef>();
  const sec = btf.types.find((t) => t?.kind === 'DATASEC' && t.name === '.maps');
  if (!sec || sec.kind !== 'DATASEC') return out;
  for (const v of sec.vars) {
    const variable = btfType(btf, v.type);
    if (variable.kind !== 'VAR') throw new BtfError(`.maps: an entry is a ${variable.kind}, expected a VAR`);
    out.set(variable.name, readMapDef(btf, variable.name, variable.type));
  }
  return out;
}
