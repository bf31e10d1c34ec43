// A register's abstract value: its type (scalar or which kind of pointer), the pointer's fixed
// offset and identity, and the value (scalars) or variable offset (pointers) as a tnum with
// signed/unsigned 64- and 32-bit bounds.

export const NOT_INIT: u8 = 0;
export const SCALAR: u8 = 1;
export const PTR_TO_CTX: u8 = 2;
export const CONST_PTR_TO_MAP: u8 = 3;
export const PTR_TO_MAP_VALUE: u8 = 4;
export const PTR_TO_MAP_VALUE_OR_NULL: u8 = 5;
export const PTR_TO_STACK: u8 = 6;
export const PTR_TO_PACKET: u8 = 7;
export const PTR_TO_PACKET_META: u8 = 8;
export const PTR_TO_PACKET_END: u8 = 9;
export const PTR_TO_SOCKET: u8 = 10;
export const PTR_TO_SOCKET_OR_NULL: u8 = 11;
export const PTR_TO_SOCK_COMMON: u8 = 12;
export const PTR_TO_SOCK_COMMON_OR_NULL: u8 = 13;
export const PTR_TO_MAP_KEY: u8 = 14;
/** Memory of a known size (`range` bytes), here ring buffer records (ringbuf.ts). */
export const PTR_TO_MEM: u8 = 15;
export const PTR_TO_MEM_OR_NULL: u8 = 16;
/** A function (LD_IMM64 of a function): a callback for bpf_loop and the like (callbacks.ts). */
export const PTR_TO_FUNC: u8 = 17;

/** The names the kernel's log uses, so that our messages read like its. */
export function typeName(t: u8): string {
  switch (t) {
    case NOT_INIT: return '?';
    case SCALAR: return 'scalar';
    case PTR_TO_CTX: return 'ctx';
    case CONST_PTR_TO_MAP: return 'map_ptr';
    case PTR_TO_MAP_VALUE: return 'map_value';
    case PTR_TO_MAP_VALUE_OR_NULL: return 'map_value_or_null';
    case PTR_TO_STACK: return 'fp';
    case PTR_TO_PACKET: return 'pkt';
    case PTR_TO_PACKET_META: return 'pkt_meta';
    case PTR_TO_PACKET_END: return 'pkt_end';
    case PTR_TO_SOCKET: return 'sock';
    case PTR_TO_SOCKET_OR_NULL: return 'sock_or_null';
    case PTR_TO_SOCK_COMMON: return 'sock_common';
    case PTR_TO_SOCK_COMMON_OR_NULL: return 'sock_common_or_null';
    case PTR_TO_MAP_KEY: return 'map_key';
    case PTR_TO_MEM: return 'ringbuf_mem';
    case PTR_TO_MEM_OR_NULL: return 'ringbuf_mem_or_null';
    case PTR_TO_FUNC: return 'func';
  }
  return 'unknown';
}

export function isPointer(t: u8): bool {
  return t > SCALAR;
}

export function isOrNull(t: u8): bool {
  return t == PTR_TO_MAP_VALUE_OR_NULL || t == PTR_TO_SOCKET_OR_NULL || t == PTR_TO_SOCK_COMMON_OR_NULL || t == PTR_TO_MEM_OR_NULL;
}

/** The type an _or_null pointer becomes once it is known not to be null. */
export function nonNull(t: u8): u8 {
  if (t == PTR_TO_MAP_VALUE_OR_NULL) return PTR_TO_MAP_VALUE;
  if (t == PTR_TO_SOCKET_OR_NULL) return PTR_TO_SOCKET;
  if (t == PTR_TO_SOCK_COMMON_OR_NULL) return PTR_TO_SOCK_COMMON;
  if (t == PTR_TO_MEM_OR_NULL) return PTR_TO_MEM;
  return t;
}

export function isPacket(t: u8): bool {
  return t == PTR_TO_PACKET || t == PTR_TO_PACKET_META;
}

export const S64_MIN: i64 = i64.MIN_VALUE;
export const S64_MAX: i64 = i64.MAX_VALUE;
export const U64_MAX: u64 = u64.MAX_VALUE;
export const S32_MIN: i32 = i32.MIN_VALUE;
export const S32_MAX: i32 = i32.MAX_VALUE;
export const U32_MAX: u32 = u32.MAX_VALUE;

export class Reg {
  type: u8 = NOT_INIT;
  /** Pointers: the offset known exactly, apart from the variable part below. */
  off: i32 = 0;
  /** Packet pointers: bytes past (start + variable part) known to be inside the packet. */
  range: i32 = 0; // PTR_TO_MEM: the memory's size in bytes.
  /**
   * _or_null pointers: which lookup they came from (a null check settles all copies); packet
   * pointers: which variable offset they share; scalars: copies that learn bounds together.
   */
  id: u32 = 0;
  /** Acquired references (sockets): the reference this pointer must release. */
  refId: u32 = 0;
  /** Linked scalars (same id): this value minus `delta` is the value they share. */
  delta: i32 = 0;
  /** Map pointers and values: index into the program's map table; functions: their first insn. */
  map: i32 = -1;
  /** Stack pointers: the call frame whose stack they point into. */
  frame: i32 = 0;
  /** Scalars: the value; pointers: the variable part of the offset. tnum (value, mask). */
  v: u64 = 0;
  m: u64 = 0;
  smin: i64 = 0;
  smax: i64 = 0;
  umin: u64 = 0;
  umax: u64 = 0;
  s32min: i32 = 0;
  s32max: i32 = 0;
  u32min: u32 = 0;
  u32max: u32 = 0;

  copyFrom(o: Reg): void {
    this.type = o.type;
    this.off = o.off;
    this.range = o.range;
    this.id = o.id;
    this.refId = o.refId;
    this.delta = o.delta;
    this.map = o.map;
    this.frame = o.frame;
    this.v = o.v;
    this.m = o.m;
    this.smin = o.smin;
    this.smax = o.smax;
    this.umin = o.umin;
    this.umax = o.umax;
    this.s32min = o.s32min;
    this.s32max = o.s32max;
    this.u32min = o.u32min;
    this.u32max = o.u32max;
  }

  /** Sets the value part to the constant `c` (all bounds exact). */
  setConstValue(c: u64): void {
    this.v = c;
    this.m = 0;
    this.smin = <i64>c;
    this.smax = <i64>c;
    this.umin = c;
    this.umax = c;
    this.s32min = <i32>c;
    this.s32max = <i32>c;
    this.u32min = <u32>c;
    this.u32max = <u32>c;
  }

  /** Sets the value part to "anything". */
  setUnknownValue(): void {
    this.v = 0;
    this.m = U64_MAX;
    this.smin = S64_MIN;
    this.smax = S64_MAX;
    this.umin = 0;
    this.umax = U64_MAX;
    this.s32min = S32_MIN;
    this.s32max = S32_MAX;
    this.u32min = 0;
    this.u32max = U32_MAX;
  }

  /** Forgets the ranges but keeps the tnum (callers sync afterwards). */
  setFullBounds(): void {
    this.smin = S64_MIN;
    this.smax = S64_MAX;
    this.umin = 0;
    this.umax = U64_MAX;
    this.s32min = S32_MIN;
    this.s32max = S32_MAX;
    this.u32min = 0;
    this.u32max = U32_MAX;
  }

  clearPointer(): void {
    this.off = 0;
    this.range = 0;
    this.id = 0;
    this.delta = 0;
    this.refId = 0;
    this.map = -1;
    this.frame = 0;
  }

  markNotInit(): void {
    this.type = NOT_INIT;
    this.clearPointer();
    this.setUnknownValue();
  }

  markUnknown(): void {
    this.type = SCALAR;
    this.clearPointer();
    this.setUnknownValue();
  }

  markConst(c: u64): void {
    this.type = SCALAR;
    this.clearPointer();
    this.setConstValue(c);
  }

  /** A pointer of type `t` with offset 0 and no variable part. */
  markPointer(t: u8): void {
    this.type = t;
    this.clearPointer();
    this.setConstValue(0);
  }

  isConst(): bool {
    return this.m == 0;
  }

  isScalar(): bool {
    return this.type == SCALAR;
  }

  /** Scalars: known to be zero. */
  isZero(): bool {
    return this.type == SCALAR && this.m == 0 && this.v == 0;
  }
}
