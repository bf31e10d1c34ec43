// What a BPF-TS expression lowers to: a compile-time constant, a scalar in a register, a
// reference to memory (struct or array), the context, a map, or nothing. The lowering passes
// these around instead of raw registers so that constants fold and references stay symbolic
// (base plus constant offset) until an instruction needs them.

import type { VReg } from '../ir/ir.ts';
import type { MapDecl } from './maps.ts';
import type { ArrayType, BoolType, ContextKind, IntType, MemType, Region, StructType, Type, UntypedIntType } from './types.ts';

/** The memory a reference points into: a register holding a pointer, or a stack slot. */
export type RegBase = { readonly v: VReg };
export type SlotBase = { readonly slot: number };
export type RefBase = RegBase | SlotBase;
export const isSlotBase = (b: RefBase): b is SlotBase => 'slot' in b;

export interface Ref {
  readonly base: RefBase;
  readonly off: number;
  readonly region: Region;
}

export type Val =
  | { readonly k: 'const'; readonly type: IntType | BoolType | UntypedIntType; readonly value: bigint }
  /**
   * A scalar in a register. `dirty`: the bits above the type's width may not hold the value's
   * zero or sign extension yet (arithmetic wraps lazily; normalise before a compare or widen).
   * `shared`: the register is a variable's, so a binding must copy it.
   */
  | { readonly k: 'reg'; readonly type: IntType | BoolType; readonly v: VReg; readonly dirty: boolean; readonly shared?: boolean }
  /** A struct or array in memory. `nullable`: the base register may hold 0 (unchecked lookup). */
  | { readonly k: 'ref'; readonly type: StructType | ArrayType; readonly ref: Ref; readonly nullable: boolean }
  | { readonly k: 'null' }
  | { readonly k: 'ctx'; readonly v: VReg; readonly ctx: ContextKind }
  | { readonly k: 'map'; readonly map: MapDecl }
  /**
   * A top-level object of compile-time members (an address family: its maps, constants and leaf
   * functions). `typeNode`: its declared type, from which generic calls infer type arguments.
   */
  | {
      readonly k: 'object';
      readonly id: string;
      readonly name: string;
      readonly typeNode: import('ts-morph').TypeNode | undefined;
      readonly members: ReadonlyMap<string, Val>;
      readonly functions: ReadonlyMap<string, import('ts-morph').FunctionDeclaration>;
    }
  /** The per-node configuration object: every field a constant. */
  | { readonly k: 'config'; readonly name: string; readonly fields: ReadonlyMap<string, Val> }
  | { readonly k: 'void' };

export const voidVal: Val = { k: 'void' };

/** A value that lives in a register or is a constant: integers and bools. */
export type Scalar = Extract<Val, { k: 'const' } | { k: 'reg' }>;

export function constVal(type: IntType | BoolType | UntypedIntType, value: bigint): Val {
  return { k: 'const', type, value };
}

/** The BPF-TS type of a value, for messages and checks. */
export function typeOfVal(v: Val): Type | 'null' {
  switch (v.k) {
    case 'const':
    case 'reg':
      return v.type;
    case 'ref':
      return v.nullable ? { kind: 'ref', to: v.type, nullable: true } : v.type;
    case 'null':
      return 'null';
    case 'ctx':
      return { kind: 'ctx', ctx: v.ctx };
    case 'map':
      return { kind: 'map' };
    case 'config':
    case 'object':
    case 'void':
      return { kind: 'void' };
  }
}

/** A place a value can be read from or written to. */
export type Place =
  /** A scalar variable living in a register. */
  | { readonly k: 'var'; readonly v: VReg; readonly type: IntType | BoolType; readonly name: string }
  /** A pointer variable (`let p: T | null`), reassignable. */
  | { readonly k: 'ptrvar'; readonly v: VReg; readonly type: StructType | ArrayType; readonly region: import('./types.ts').Region; readonly name: string }
  /** Bytes in memory. */
  | { readonly k: 'mem'; readonly ref: Ref; readonly type: MemType; readonly readonly: boolean }
  /** A context field: loads and stores must use the field's exact offset from the context register. */
  | { readonly k: 'ctxfield'; readonly v: VReg; readonly off: number; readonly size: 1 | 2 | 4 | 8; readonly type: MemType; readonly writable: boolean; readonly name: string };
