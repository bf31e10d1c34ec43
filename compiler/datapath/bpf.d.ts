// BPF-TS core declarations: integer types, casts, byte order, memory intrinsics, checksums,
// compile-time configuration and maps. Ambient (no imports), like a C header every file sees.
// `tsc -p compiler/datapath` type-checks datapath sources against this; the compiler gives each
// declaration its meaning (docs/bpf-ts.md). Nothing here exists at run time in JavaScript.

// --- What TypeScript needs without its standard library -------------------------------------
// BPF-TS compiles with `noLib`: Math, strings, arrays and the rest of JavaScript are not part of
// the datapath, so they are not declared at all and tsc rejects their use.
interface Array<T> {
  readonly [index: number]: T;
  readonly length: number;
}
interface Boolean {}
interface Function {}
interface CallableFunction {}
interface NewableFunction {}
interface IArguments {}
interface Number {}
interface Object {}
interface RegExp {}
interface String {}

// --- Integer types --------------------------------------------------------------------------
// To tsc every integer is a number; the BPF-TS compiler tracks the width and the sign, wraps
// arithmetic at the width, and refuses implicit narrowing and sign changes.
type u8 = number;
type u16 = number;
type u32 = number;
type u64 = number;
type i8 = number;
type i16 = number;
type i32 = number;
type i64 = number;
type bool = boolean;

/** 16 bits in network byte order: only htons()/ntohs(), ==, != and bitwise ops apply. */
type be16 = number & { readonly __byteOrder: 'be16' };
/** 32 bits in network byte order: only htonl()/ntohl(), ==, != and bitwise ops apply. */
type be32 = number & { readonly __byteOrder: 'be32' };

/** Explicit conversions: truncate (narrowing) or extend (widening), as C casts do. */
declare function u8(x: number | bool): u8;
declare function u16(x: number | bool): u16;
declare function u32(x: number | bool): u32;
declare function u64(x: number | bool): u64;
declare function i8(x: number | bool): i8;
declare function i16(x: number | bool): i16;
declare function i32(x: number | bool): i32;
declare function i64(x: number | bool): i64;
/**
 * Gives back the network-order type that TypeScript loses in `a & b`, `a | b`, `a ^ b` on be16
 * or be32 values: `be32(addr & mask)`. Host integers are refused (convert them with htonl).
 */
declare function be16(x: number): be16;
declare function be32(x: number): be32;

// --- Byte order -----------------------------------------------------------------------------
declare function htons(x: u16): be16;
declare function ntohs(x: be16): u16;
declare function htonl(x: u32): be32;
declare function ntohl(x: be32): u32;
/** Unconditional byte swaps. */
declare function bswap16(x: u16): u16;
declare function bswap32(x: u32): u32;
declare function bswap64(x: u64): u64;

// --- Memory ---------------------------------------------------------------------------------

/** N elements of T stored inline (in a struct, a map value, the stack or the packet). */
interface FixedArray<T, N extends number> {
  [index: number]: T;
  readonly length: N;
}

/** Size in bytes of a struct, array or integer type; a compile-time constant. */
declare function sizeof<T>(): u32;

/** A fresh struct or array on the stack, every byte zero: `{ ...zeroed<T>(), field: x }`. */
declare function zeroed<T extends object>(): T;

/**
 * Adds n to a u32/u64 field of a map value (or stack object) with BPF's atomic add: counters that
 * several CPUs update at once. `atomicAdd(stats, 'packets', 1)`.
 */
declare function atomicAdd<T extends object, K extends keyof T>(obj: T, field: K, n: number): void;

/** Copies sizeof<T>() bytes with word-sized moves (never byte by byte on packet or map memory). */
declare function copy<T extends object>(dst: T, src: T): void;
/** Zeroes sizeof<T>() bytes with word-sized stores. */
declare function zero<T extends object>(dst: T): void;
/** Compares sizeof<T>() bytes with word-sized loads. */
declare function equal<T extends object>(a: T, b: T): bool;

// --- Checksums ------------------------------------------------------------------------------

/**
 * Incremental update (RFC 1624) of a 16-bit ones'-complement checksum when a 16- or 32-bit
 * field of the data it covers changes from `from` to `to`. Pure arithmetic, no helper.
 */
declare function csumReplace(check: be16, from: be16, to: be16): be16;
declare function csumReplace(check: be16, from: be32, to: be32): be16;

// --- Address families -----------------------------------------------------------------------

/**
 * What `isV6` asks of a family object: a top-level `const` whose members are compile-time values
 * (maps, constants, functions), passed to generic functions that are written once for both
 * families (`function ctLive<F extends V4 | V6>(fam: Family<F>, ...)`, docs/bpf-ts.md).
 */
interface AddressFamily {
  /** 4 or 6; the compiler refuses anything else, and any value not known at compile time (SY3072). */
  readonly ipVersion: u8;
}

/**
 * Whether `f` is the IPv6 family: a compile-time constant, so the branch for the other family is
 * never lowered (as with isXdp).
 */
declare function isV6(f: AddressFamily): bool;

// --- Compile-time configuration -------------------------------------------------------------

/**
 * The per-node configuration, fixed when the datapath is compiled: every field is a constant,
 * and branches on it vanish from the output. Fields are integers, be16/be32 or bool.
 * `const cfg = nodeConfig<NodeConfig>();` at the top level of a file.
 */
declare function nodeConfig<T extends object>(): T;

// --- Maps -----------------------------------------------------------------------------------

type MapKind =
  | 'hash'
  | 'array'
  | 'percpu_hash'
  | 'percpu_array'
  | 'lru_hash'
  | 'lru_percpu_hash'
  | 'lpm_trie';

interface MapOptions {
  type: MapKind;
  maxEntries: number;
  /** BPF_F_* map flags, e.g. BPF_F_NO_PREALLOC (required for lpm_trie). */
  flags?: number;
  /** 'byName': libbpf pins the map under bpffs by its name and reuses a pinned one. */
  pinning?: 'none' | 'byName';
}

/** A map declared in the source: `export const backends = map<BackendKey, Backend>({...})`. */
interface BpfMap<K, V extends object> {
  /** A pointer to the value, or null: the value must be checked before use. */
  lookup(key: K): V | null;
  /** 0, or a negative errno (E2BIG when full, EEXIST/ENOENT with BPF_NOEXIST/BPF_EXIST). */
  update(key: K, value: V, flags?: u64): i64;
  delete(key: K): i64;
}

/**
 * Socket-local storage (BPF_MAP_TYPE_SK_STORAGE): one V per socket, kept by the socket and freed
 * with it. The kernel wants a 32-bit key type, maxEntries 0 and BPF_F_NO_PREALLOC.
 */
interface SkStorageOptions {
  type: 'sk_storage';
  maxEntries: 0;
  flags: number;
}

/** The storage of the socket a sock_addr hook runs for (its ctx->sk). */
interface SkStorage<V extends object> {
  /** The socket's value, or null; BPF_SK_STORAGE_GET_F_CREATE makes a zeroed one when missing. */
  get(ctx: SockAddr, flags?: u64): V | null;
  /** 0, or -ENOENT when the socket has no value. */
  delete(ctx: SockAddr): i64;
}

declare function map<K extends u32, V extends object>(options: SkStorageOptions): SkStorage<V>;
declare function map<K, V extends object>(options: MapOptions): BpfMap<K, V>;

/** A BPF_MAP_TYPE_PROG_ARRAY for bpf_tail_call; the loader fills it. */
interface ProgArray {
  readonly __progArray: never;
}
declare function progArray(options: { maxEntries: number; pinning?: 'none' | 'byName' }): ProgArray;

/** map update flags */
declare const BPF_ANY: 0;
declare const BPF_NOEXIST: 1;
declare const BPF_EXIST: 2;
/** bpf_sk_storage_get flags */
declare const BPF_SK_STORAGE_GET_F_CREATE: 1;
/** map creation flags */
declare const BPF_F_NO_PREALLOC: 1;
declare const BPF_F_NO_COMMON_LRU: 2;
