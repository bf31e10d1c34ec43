// Builds .BTF: a type table and a string table as btf.rst lays them out. Types are interned,
// so asking twice for the same C type gives the same id and the output stays small and stable.

import { BTF_HEADER_SIZE, BTF_MAGIC, BTF_VERSION, BtfIntEncoding, BtfKind, btfInfo } from '../../format/bpf-object-btf.ts';
import type { CType } from './ctype.ts';

/** A string table: offset 0 is the empty string; each string is stored once. */
export class StringTable {
  private readonly offsets = new Map<string, number>([['', 0]]);
  private readonly parts: Uint8Array[] = [new Uint8Array(1)];
  private size = 1;

  add(s: string): number {
    const known = this.offsets.get(s);
    if (known !== undefined) return known;
    const bytes = new TextEncoder().encode(s + '\0');
    const off = this.size;
    this.offsets.set(s, off);
    this.parts.push(bytes);
    this.size += bytes.length;
    return off;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let p = 0;
    for (const part of this.parts) out.set(part, p), (p += part.length);
    return out;
  }
}

export interface BtfMemberSpec {
  name: string;
  type: number;
  /** Bits from the start of the struct. */
  bitOffset: number;
}

export class BtfBuilder {
  readonly strings = new StringTable();
  private readonly words: number[] = [];
  private readonly interned = new Map<string, number>();
  private count = 0;

  /** Number of types so far; ids run 1..count. */
  get size(): number {
    return this.count;
  }

  private add(key: string | undefined, nameOff: number, info: number, sizeOrType: number, extra: number[]): number {
    if (key !== undefined) {
      const known = this.interned.get(key);
      if (known !== undefined) return known;
    }
    this.words.push(nameOff, info, sizeOrType, ...extra);
    const id = ++this.count;
    if (key !== undefined) this.interned.set(key, id);
    return id;
  }

  int(name: string, size: number, signed: boolean, bool = false): number {
    const enc = (signed ? BtfIntEncoding.SIGNED : 0) | (bool ? BtfIntEncoding.BOOL : 0);
    return this.add(`int:${name}:${size}:${enc}`, this.strings.add(name), btfInfo(BtfKind.INT, 0), size, [(enc << 24) | (size * 8)]);
  }

  ptr(to: number): number {
    return this.add(`ptr:${to}`, 0, btfInfo(BtfKind.PTR, 0), to, []);
  }

  array(elem: number, index: number, nelems: number): number {
    return this.add(`array:${elem}:${index}:${nelems}`, 0, btfInfo(BtfKind.ARRAY, 0), 0, [elem, index, nelems]);
  }

  typedef(name: string, to: number): number {
    return this.add(`typedef:${name}:${to}`, this.strings.add(name), btfInfo(BtfKind.TYPEDEF, 0), to, []);
  }

  struct(name: string, size: number, members: BtfMemberSpec[], union = false): number {
    const key = `${union ? 'union' : 'struct'}:${name}:${size}:${members.map((m) => `${m.name}/${m.type}/${m.bitOffset}`).join(',')}`;
    const extra = members.flatMap((m) => [this.strings.add(m.name), m.type, m.bitOffset]);
    return this.add(key, this.strings.add(name), btfInfo(union ? BtfKind.UNION : BtfKind.STRUCT, members.length), size, extra);
  }

  fwdStruct(name: string): number {
    return this.add(`fwd:${name}`, this.strings.add(name), btfInfo(BtfKind.FWD, 0), 0, []);
  }

  funcProto(returnType: number, params: { name: string; type: number }[]): number {
    const key = `proto:${returnType}:${params.map((p) => `${p.name}/${p.type}`).join(',')}`;
    const extra = params.flatMap((p) => [this.strings.add(p.name), p.type]);
    return this.add(key, 0, btfInfo(BtfKind.FUNC_PROTO, params.length), returnType, extra);
  }

  /** linkage: 0 static, 1 global (BtfLinkage). Not interned: each function is its own type. */
  func(name: string, proto: number, linkage: number): number {
    return this.add(undefined, this.strings.add(name), btfInfo(BtfKind.FUNC, linkage), proto, []);
  }

  variable(name: string, type: number, linkage: number): number {
    return this.add(undefined, this.strings.add(name), btfInfo(BtfKind.VAR, 0), type, [linkage]);
  }

  datasec(name: string, size: number, vars: { type: number; offset: number; size: number }[]): number {
    const extra = vars.flatMap((v) => [v.type, v.offset, v.size]);
    return this.add(undefined, this.strings.add(name), btfInfo(BtfKind.DATASEC, vars.length), size, extra);
  }

  /** The id of a C type, adding it (and what it refers to) on first use. */
  ctype(t: CType): number {
    switch (t.kind) {
      case 'int':
        return this.int(t.name, t.size, t.signed, t.bool);
      case 'ptr':
        return this.ptr(t.to === 'void' ? 0 : this.ctype(t.to));
      case 'array':
        return this.array(this.ctype(t.of), this.arrayIndexType(), t.length);
      case 'typedef':
        return this.typedef(t.name, this.ctype(t.type));
      case 'struct':
      case 'union': {
        const members = t.members.map((m) => ({ name: m.name, type: this.ctype(m.type), bitOffset: m.offset * 8 }));
        return this.struct(t.name, t.size, members, t.kind === 'union');
      }
    }
  }

  /** The index type of arrays, as clang names it. */
  arrayIndexType(): number {
    return this.int('__ARRAY_SIZE_TYPE__', 4, false);
  }

  /** The whole .BTF section. */
  encode(): Uint8Array {
    const strings = this.strings.bytes();
    const typeLen = this.words.length * 4;
    const out = new Uint8Array(BTF_HEADER_SIZE + typeLen + strings.length);
    const view = new DataView(out.buffer);
    view.setUint16(0, BTF_MAGIC, true);
    view.setUint8(2, BTF_VERSION);
    view.setUint8(3, 0);
    view.setUint32(4, BTF_HEADER_SIZE, true);
    view.setUint32(8, 0, true);
    view.setUint32(12, typeLen, true);
    view.setUint32(16, typeLen, true);
    view.setUint32(20, strings.length, true);
    this.words.forEach((w, i) => view.setUint32(BTF_HEADER_SIZE + i * 4, w >>> 0, true));
    out.set(strings, BTF_HEADER_SIZE + typeLen);
    return out;
  }
}
