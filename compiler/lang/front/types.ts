// The BPF-TS type model: integers with width, sign and byte order; bool; structs and fixed
// arrays with byte layouts; references (pointers) into a memory region; contexts and maps.
// Plain data, shared by the front end (checks, lowering) and tests.

export type IntName = 'u8' | 'u16' | 'u32' | 'u64' | 'i8' | 'i16' | 'i32' | 'i64' | 'be16' | 'be32';

export interface IntType {
  readonly kind: 'int';
  readonly name: IntName;
  readonly bits: 8 | 16 | 32 | 64;
  readonly signed: boolean;
  /** Network byte order: the register holds the bytes as they sit in memory. */
  readonly be: boolean;
}

export interface BoolType {
  readonly kind: 'bool';
}

export interface Field {
  readonly name: string;
  readonly offset: number;
  readonly type: MemType;
  readonly readonly: boolean;
}

export interface StructType {
  readonly kind: 'struct';
  readonly name: string;
  readonly size: number;
  readonly align: number;
  readonly fields: readonly Field[];
}

export interface ArrayType {
  readonly kind: 'array';
  readonly elem: MemType;
  readonly length: number;
}

/** What can be stored in memory. */
export type MemType = IntType | BoolType | StructType | ArrayType;

/** Where a reference points; the verifier treats each differently. */
export type Region = 'stack' | 'packet' | 'map' | 'ctx' | 'unknown';

export type ContextKind = 'xdp' | 'skb' | 'sock_addr' | 'sock';

export interface CtxType {
  readonly kind: 'ctx';
  readonly ctx: ContextKind;
}

/** A struct or array reached through a pointer; `nullable` as the source type says (`T | null`). */
export interface RefType {
  readonly kind: 'ref';
  readonly to: StructType | ArrayType;
  readonly nullable: boolean;
}

export interface MapHandleType {
  readonly kind: 'map';
}

export interface VoidType {
  readonly kind: 'void';
}

/** An integer constant whose type comes from where it is used (like Go's untyped constants). */
export interface UntypedIntType {
  readonly kind: 'untyped';
}

export type Type = IntType | BoolType | StructType | ArrayType | RefType | CtxType | MapHandleType | VoidType | UntypedIntType;

function int(name: IntName, bits: 8 | 16 | 32 | 64, signed: boolean, be = false): IntType {
  return Object.freeze({ kind: 'int' as const, name, bits, signed, be });
}

export const ints: Readonly<Record<IntName, IntType>> = Object.freeze({
  u8: int('u8', 8, false),
  u16: int('u16', 16, false),
  u32: int('u32', 32, false),
  u64: int('u64', 64, false),
  i8: int('i8', 8, true),
  i16: int('i16', 16, true),
  i32: int('i32', 32, true),
  i64: int('i64', 64, true),
  be16: int('be16', 16, false, true),
  be32: int('be32', 32, false, true),
});

export const boolType: BoolType = Object.freeze({ kind: 'bool' });
export const voidType: VoidType = Object.freeze({ kind: 'void' });
export const untypedInt: UntypedIntType = Object.freeze({ kind: 'untyped' });
export const mapHandle: MapHandleType = Object.freeze({ kind: 'map' });

export function isIntName(s: string): s is IntName {
  return Object.hasOwn(ints, s);
}

export function sizeOf(t: MemType): number {
  switch (t.kind) {
    case 'int':
      return t.bits / 8;
    case 'bool':
      return 1;
    case 'struct':
      return t.size;
    case 'array':
      return sizeOf(t.elem) * t.length;
  }
}

export function alignOf(t: MemType): number {
  switch (t.kind) {
    case 'int':
      return t.bits / 8;
    case 'bool':
      return 1;
    case 'struct':
      return t.align;
    case 'array':
      return alignOf(t.elem);
  }
}

/** The smallest and largest value of an integer type, as the register holds it normalised. */
export function intRange(t: IntType): { min: bigint; max: bigint } {
  if (t.signed) return { min: -(1n << BigInt(t.bits - 1)), max: (1n << BigInt(t.bits - 1)) - 1n };
  return { min: 0n, max: (1n << BigInt(t.bits)) - 1n };
}

export function fits(value: bigint, t: IntType): boolean {
  const r = intRange(t);
  return value >= r.min && value <= r.max;
}

/** Wraps `value` to the type's width and sign: what the register holds after the operation. */
export function wrap(value: bigint, t: IntType): bigint {
  return t.signed ? BigInt.asIntN(t.bits, value) : BigInt.asUintN(t.bits, value);
}

/** Swaps the bytes of a `bits`-wide value. */
export function byteSwap(value: bigint, bits: number): bigint {
  let v = BigInt.asUintN(bits, value);
  let out = 0n;
  for (let i = 0; i < bits / 8; i++) {
    out = (out << 8n) | (v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function typeName(t: Type): string {
  switch (t.kind) {
    case 'int':
      return t.name;
    case 'bool':
      return 'bool';
    case 'struct':
      return t.name;
    case 'array':
      return `FixedArray<${typeName(t.elem)}, ${t.length}>`;
    case 'ref':
      return t.nullable ? `${typeName(t.to)} | null` : typeName(t.to);
    case 'ctx':
      return ({ xdp: 'XdpMd', skb: 'SkBuff', sock_addr: 'SockAddr', sock: 'Sock' } as const)[t.ctx];
    case 'map':
      return 'map';
    case 'void':
      return 'void';
    case 'untyped':
      return 'integer constant';
  }
}

export function sameType(a: Type, b: Type): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'int':
      return a.name === (b as IntType).name;
    case 'struct':
      return a === b || (a.name === (b as StructType).name && a.size === (b as StructType).size);
    case 'array': {
      const o = b as ArrayType;
      return a.length === o.length && sameType(a.elem, o.elem);
    }
    case 'ref':
      return sameType(a.to, (b as RefType).to);
    case 'ctx':
      return a.ctx === (b as CtxType).ctx;
    default:
      return true;
  }
}

/** Scalars live in registers; everything else is reached through a reference. */
export function isScalar(t: Type): t is IntType | BoolType {
  return t.kind === 'int' || t.kind === 'bool';
}
