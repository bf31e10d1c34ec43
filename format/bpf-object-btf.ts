// BTF facts (the kernel's btf.rst): the kinds, the header layouts of .BTF and .BTF.ext, and the
// parsed type model. Shared by the compiler's BTF writer and the runtime's reader; no logic
// beyond small accessors.

export const BTF_MAGIC = 0xeb9f;
export const BTF_VERSION = 1;
/** .BTF header: magic u16, version u8, flags u8, hdr_len u32, type_off, type_len, str_off, str_len. */
export const BTF_HEADER_SIZE = 24;
/** .BTF.ext header: magic, version, flags, hdr_len, func_info off/len, line_info off/len (+ core_relo off/len). */
export const BTF_EXT_HEADER_SIZE = 32;
/** bpf_func_info: insn_off u32, type_id u32. */
export const FUNC_INFO_SIZE = 8;
/** bpf_line_info: insn_off u32, file_name_off u32, line_off u32, line_col u32 (line << 10 | col). */
export const LINE_INFO_SIZE = 16;
export const LINE_COL_SHIFT = 10;
export const LINE_COL_MAX_COL = (1 << LINE_COL_SHIFT) - 1;

export const BtfKind = {
  UNKN: 0,
  INT: 1,
  PTR: 2,
  ARRAY: 3,
  STRUCT: 4,
  UNION: 5,
  ENUM: 6,
  FWD: 7,
  TYPEDEF: 8,
  VOLATILE: 9,
  CONST: 10,
  RESTRICT: 11,
  FUNC: 12,
  FUNC_PROTO: 13,
  VAR: 14,
  DATASEC: 15,
  FLOAT: 16,
  DECL_TAG: 17,
  TYPE_TAG: 18,
  ENUM64: 19,
} as const;

export const btfKindName: Record<number, string> = Object.fromEntries(Object.entries(BtfKind).map(([k, v]) => [v, k]));

/** INT encoding bits. */
export const BtfIntEncoding = { SIGNED: 1, CHAR: 2, BOOL: 4 } as const;
/** FUNC linkage (in vlen) and VAR linkage. */
export const BtfLinkage = { STATIC: 0, GLOBAL: 1, EXTERN: 2 } as const;

export const btfInfo = (kind: number, vlen: number, kindFlag = false): number =>
  ((kindFlag ? 1 : 0) << 31) | ((kind & 0x1f) << 24) | (vlen & 0xffff);

/** A member of a STRUCT/UNION; `bitOffset` from the start, `bitfieldSize` 0 unless a bitfield. */
export interface BtfMember {
  name: string;
  type: number;
  bitOffset: number;
  bitfieldSize: number;
}

export interface BtfParam {
  name: string;
  type: number;
}

export interface BtfVarSecinfo {
  type: number;
  offset: number;
  size: number;
}

/**
 * One BTF type, by kind. `id` is its type id (1-based; 0 is void). `type` refers to another id.
 * Names are resolved strings ('' for anonymous).
 */
export type BtfType =
  | { id: number; kind: 'INT'; name: string; size: number; encoding: number; bitOffset: number; bits: number }
  | { id: number; kind: 'PTR' | 'TYPEDEF' | 'VOLATILE' | 'CONST' | 'RESTRICT' | 'TYPE_TAG'; name: string; type: number }
  | { id: number; kind: 'ARRAY'; name: string; type: number; indexType: number; nelems: number }
  | { id: number; kind: 'STRUCT' | 'UNION'; name: string; size: number; members: BtfMember[] }
  | { id: number; kind: 'ENUM' | 'ENUM64'; name: string; size: number; signed: boolean; values: { name: string; value: bigint }[] }
  | { id: number; kind: 'FWD'; name: string; union: boolean }
  | { id: number; kind: 'FUNC'; name: string; type: number; linkage: number }
  | { id: number; kind: 'FUNC_PROTO'; name: string; returnType: number; params: BtfParam[] }
  | { id: number; kind: 'VAR'; name: string; type: number; linkage: number }
  | { id: number; kind: 'DATASEC'; name: string; size: number; vars: BtfVarSecinfo[] }
  | { id: number; kind: 'FLOAT'; name: string; size: number }
  | { id: number; kind: 'DECL_TAG'; name: string; type: number; componentIdx: number };

export type BtfKindName = BtfType['kind'];

/** A parsed .BTF section: `types[id]` (types[0] is undefined: void), and the string table. */
export interface Btf {
  types: (BtfType | undefined)[];
  /** The raw string table, so offsets (line info) can be resolved. */
  strings: Uint8Array;
}
