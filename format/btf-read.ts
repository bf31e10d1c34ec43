// Reads .BTF (types and strings) and .BTF.ext (func and line info per section) as btf.rst lays
// them out; plus the few type queries that loaders need (sizes, resolving modifiers).

import {
  BTF_EXT_HEADER_SIZE,
  BTF_HEADER_SIZE,
  BTF_MAGIC,
  BtfIntEncoding,
  BtfKind,
  LINE_COL_SHIFT,
  btfKindName,
  type Btf,
  type BtfType,
} from './bpf-object-btf.ts';

export class BtfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BtfError';
  }
}

const utf8 = new TextDecoder();

/** The NUL-terminated string at `off` in a string table. */
export function stringAt(strings: Uint8Array, off: number, what = 'BTF'): string {
  if (off >= strings.length && off !== 0) throw new BtfError(`${what}: string offset ${off} is past the string table (${strings.length} bytes)`);
  const end = strings.indexOf(0, off);
  return utf8.decode(strings.subarray(off, end < 0 ? strings.length : end));
}

/** Parses a .BTF section (little-endian only, as every BPF object here is). */
export function parseBtf(bytes: Uint8Array): Btf {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < BTF_HEADER_SIZE) throw new BtfError(`.BTF: ${bytes.length} bytes, shorter than its header`);
  const magic = view.getUint16(0, true);
  if (magic !== BTF_MAGIC) throw new BtfError(`.BTF: magic 0x${magic.toString(16)}, expected 0xeb9f (little-endian BTF)`);
  const hdrLen = view.getUint32(4, true);
  const typeOff = hdrLen + view.getUint32(8, true);
  const typeLen = view.getUint32(12, true);
  const strOff = hdrLen + view.getUint32(16, true);
  const strLen = view.getUint32(20, true);
  if (typeOff + typeLen > bytes.length || strOff + strLen > bytes.length) {
    throw new BtfError(`.BTF: type or string section runs past the end (${bytes.length} bytes)`);
  }
  const strings = bytes.subarray(strOff, strOff + strLen);
  const name = (off: number) => stringAt(strings, off);
  const types: (BtfType | undefined)[] = [undefined];
  let p = typeOff;
  const end = typeOff + typeLen;
  const u32 = (at: number) => view.getUint32(at, true);
  while (p < end) {
    const id = types.length;
    const nameOff = u32(p);
    const info = u32(p + 4);
    const sizeOrType = u32(p + 8);
    const vlen = info & 0xffff;
    const kind = (info >>> 24) & 0x1f;
    const kindFlag = info >>> 31 === 1;
    const n = name(nameOff);
    p += 12;
    let t: BtfType;
    switch (kind) {
      case BtfKind.INT: {
        const enc = u32(p);
        p += 4;
        t = { id, kind: 'INT', name: n, size: sizeOrType, encoding: (enc >>> 24) & 0x0f, bitOffset: (enc >>> 16) & 0xff, bits: enc & 0xff };
        break;
      }
      case BtfKind.PTR:
      case BtfKind.TYPEDEF:
      case BtfKind.VOLATILE:
      case BtfKind.CONST:
      case BtfKind.RESTRICT:
      case BtfKind.TYPE_TAG:
        t = { id, kind: btfKindName[kind] as 'PTR', name: n, type: sizeOrType };
        break;
      case BtfKind.ARRAY:
        t = { id, kind: 'ARRAY', name: n, type: u32(p), indexType: u32(p + 4), nelems: u32(p + 8) };
        p += 12;
        break;
      case BtfKind.STRUCT:
      case BtfKind.UNION: {
        const members = [];
        for (let i = 0; i < vlen; i++, p += 12) {
          const off = u32(p + 8);
          members.push({
            name: name(u32(p)),
            type: u32(p + 4),
            bitOffset: kindFlag ? off & 0xffffff : off,
            bitfieldSize: kindFlag ? off >>> 24 : 0,
          });
        }
        t = { id, kind: kind === BtfKind.STRUCT ? 'STRUCT' : 'UNION', name: n, size: sizeOrType, members };
        break;
      }
      case BtfKind.ENUM: {
        const values = [];
        for (let i = 0; i < vlen; i++, p += 8) {
          const raw = kindFlag ? BigInt(view.getInt32(p + 4, true)) : BigInt(u32(p + 4));
          values.push({ name: name(u32(p)), value: raw });
        }
        t = { id, kind: 'ENUM', name: n, size: sizeOrType, signed: kindFlag, values };
        break;
      }
      case BtfKind.ENUM64: {
        const values = [];
        for (let i = 0; i < vlen; i++, p += 12) {
          const raw = (BigInt(u32(p + 8)) << 32n) | BigInt(u32(p + 4));
          values.push({ name: name(u32(p)), value: kindFlag ? BigInt.asIntN(64, raw) : raw });
        }
        t = { id, kind: 'ENUM64', name: n, size: sizeOrType, signed: kindFlag, values };
        break;
      }
      case BtfKind.FWD:
        t = { id, kind: 'FWD', name: n, union: kindFlag };
        break;
      case BtfKind.FUNC:
        t = { id, kind: 'FUNC', name: n, type: sizeOrType, linkage: vlen };
        break;
      case BtfKind.FUNC_PROTO: {
        const params = [];
        for (let i = 0; i < vlen; i++, p += 8) params.push({ name: name(u32(p)), type: u32(p + 4) });
        t = { id, kind: 'FUNC_PROTO', name: n, returnType: sizeOrType, params };
        break;
      }
      case BtfKind.VAR:
        t = { id, kind: 'VAR', name: n, type: sizeOrType, linkage: u32(p) };
        p += 4;
        break;
      case BtfKind.DATASEC: {
        const vars = [];
        for (let i = 0; i < vlen; i++, p += 12) vars.push({ type: u32(p), offset: u32(p + 4), size: u32(p + 8) });
        t = { id, kind: 'DATASEC', name: n, size: sizeOrType, vars };
        break;
      }
      case BtfKind.FLOAT:
        t = { id, kind: 'FLOAT', name: n, size: sizeOrType };
        break;
      case BtfKind.DECL_TAG:
        t = { id, kind: 'DECL_TAG', name: n, type: sizeOrType, componentIdx: view.getInt32(p, true) };
        p += 4;
        break;
      default:
        throw new BtfError(`.BTF: type ${id} has unknown kind ${kind}; this reader knows kinds up to ENUM64`);
    }
    if (p > end) throw new BtfError(`.BTF: type ${id} (${t.kind} ${n}) runs past the type section`);
    types.push(t);
  }
  return { types, strings };
}

/** The type with this id; throws for void (0) or an id out of range. */
export function btfType(btf: Btf, id: number): BtfType {
  const t = btf.types[id];
  if (!t) throw new BtfError(`BTF type ${id}: ${id === 0 ? 'is void' : `does not exist (${btf.types.length - 1} types)`}`);
  return t;
}

/** Follows typedefs and const/volatile/restrict/type tags to the type they name (0 stays 0). */
export function skipModifiers(btf: Btf, id: number): number {
  for (let hops = 0; id !== 0; hops++) {
    const t = btfType(btf, id);
    if (t.kind !== 'TYPEDEF' && t.kind !== 'CONST' && t.kind !== 'VOLATILE' && t.kind !== 'RESTRICT' && t.kind !== 'TYPE_TAG') return id;
    if (hops > 64) throw new BtfError(`BTF type ${id}: modifier chain too long (a loop?)`);
    id = t.type;
  }
  return 0;
}

/** Size in bytes of a type, as the kernel computes it for map keys and values. */
export function btfSizeOf(btf: Btf, id: number): number {
  const t = btfType(btf, skipModifiers(btf, id));
  switch (t.kind) {
    case 'INT':
    case 'STRUCT':
    case 'UNION':
    case 'ENUM':
    case 'ENUM64':
    case 'FLOAT':
    case 'DATASEC':
      return t.size;
    case 'PTR':
      return 8;
    case 'ARRAY':
      return t.nelems * btfSizeOf(btf, t.type);
    default:
      throw new BtfError(`BTF type ${id} (${t.kind} ${t.name || '(anon)'}) has no size`);
  }
}

/** A readable name for a type, for messages: `struct svc_key`, `unsigned int`, `u32 *`. */
export function btfTypeName(btf: Btf, id: number): string {
  if (id === 0) return 'void';
  const t = btfType(btf, id);
  switch (t.kind) {
    case 'STRUCT':
    case 'UNION':
      return `${t.kind.toLowerCase()} ${t.name || '(anon)'}`;
    case 'ENUM':
    case 'ENUM64':
      return `enum ${t.name || '(anon)'}`;
    case 'PTR':
      return `${btfTypeName(btf, t.type)} *`;
    case 'ARRAY':
      return `${btfTypeName(btf, t.type)}[${t.nelems}]`;
    case 'CONST':
    case 'VOLATILE':
      return `${t.kind.toLowerCase()} ${btfTypeName(btf, t.type)}`;
    default:
      return t.name || `(anon ${t.kind})`;
  }
}

export const isSignedInt = (t: BtfType): boolean => t.kind === 'INT' && (t.encoding & BtfIntEncoding.SIGNED) !== 0;

export interface FuncInfoRecord {
  /** Byte offset of the function's first instruction in its ELF section. */
  insnOff: number;
  typeId: number;
}

export interface LineInfoRecord {
  /** Byte offset of the instruction in its ELF section. */
  insnOff: number;
  /** String-table offsets into .BTF, kept because the kernel takes them as they are. */
  fileNameOff: number;
  lineOff: number;
  file: string;
  /** The source line's text. */
  text: string;
  line: number;
  col: number;
}

export interface BtfExt {
  funcInfoRecSize: number;
  lineInfoRecSize: number;
  /** Section name → records, in the order of the file. */
  funcInfo: Map<string, FuncInfoRecord[]>;
  lineInfo: Map<string, LineInfoRecord[]>;
}

/** Parses .BTF.ext; strings (section and file names, line text) come from the .BTF string table. */
export function parseBtfExt(bytes: Uint8Array, btf: Btf): BtfExt {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 24) throw new BtfError(`.BTF.ext: ${bytes.length} bytes, shorter than its header`);
  const magic = view.getUint16(0, true);
  if (magic !== BTF_MAGIC) throw new BtfError(`.BTF.ext: magic 0x${magic.toString(16)}, expected 0xeb9f`);
  const hdrLen = view.getUint32(4, true);
  if (hdrLen < 24 || hdrLen > Math.max(BTF_EXT_HEADER_SIZE, bytes.length)) throw new BtfError(`.BTF.ext: header length ${hdrLen}`);
  const str = (off: number) => stringAt(btf.strings, off, '.BTF.ext');
  const out: BtfExt = { funcInfoRecSize: 0, lineInfoRecSize: 0, funcInfo: new Map(), lineInfo: new Map() };

  // Each info block: u32 record size, then per section: name offset, count, records.
  const blocks = (off: number, len: number, what: string, each: (section: string, at: number) => void): number => {
    if (len === 0) return 0;
    const start = hdrLen + off;
    if (start + len > bytes.length) throw new BtfError(`.BTF.ext: ${what} runs past the end`);
    const recSize = view.getUint32(start, true);
    for (let p = start + 4; p < start + len; ) {
      const section = str(view.getUint32(p, true));
      const count = view.getUint32(p + 4, true);
      p += 8;
      if (p + count * recSize > start + len) throw new BtfError(`.BTF.ext: ${what} of section ${section} runs past its block`);
      for (let i = 0; i < count; i++, p += recSize) each(section, p);
    }
    return recSize;
  };
  const push = <T>(m: Map<string, T[]>, k: string, v: T) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);

  out.funcInfoRecSize = blocks(view.getUint32(8, true), view.getUint32(12, true), 'func info', (section, p) =>
    push(out.funcInfo, section, { insnOff: view.getUint32(p, true), typeId: view.getUint32(p + 4, true) }),
  );
  out.lineInfoRecSize = blocks(view.getUint32(16, true), view.getUint32(20, true), 'line info', (section, p) => {
    const fileNameOff = view.getUint32(p + 4, true);
    const lineOff = view.getUint32(p + 8, true);
    const lineCol = view.getUint32(p + 12, true);
    push(out.lineInfo, section, {
      insnOff: view.getUint32(p, true),
      fileNameOff,
      lineOff,
      file: str(fileNameOff),
      text: str(lineOff),
      line: lineCol >>> LINE_COL_SHIFT,
      col: lineCol & ((1 << LINE_COL_SHIFT) - 1),
    });
  });
  return out;
}
