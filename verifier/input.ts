// What the verifier is asked about: one program with everything the kernel would know at
// BPF_PROG_LOAD time. Plain data, shared by the wasm wrapper, the CLI and the kernel oracle.

import type { MapField } from './map-fields.ts';

/** One map the program references. An LD_IMM64 map reference carries its index in `imm`. */
export interface MapDesc {
  name: string;
  /** enum bpf_map_type. */
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  /** map_flags at creation (BPF_F_NO_PREALLOC for LPM tries, ...). */
  flags?: number;
  /** For map-in-map types: the index (in the same table) of the template inner map. */
  inner?: number;
  /** Special fields of the value (spin lock, timer, kptrs) from its BTF type (map-fields.ts). */
  fields?: MapField[];
  /**
   * The value of a frozen, program-read-only one-element array (`.rodata`, flags
   * BPF_F_RDONLY_PROG): the kernel reads loads at constant offsets from it as known constants.
   */
  contents?: Uint8Array;
}

/** One argument of a global function, from its BTF prototype. */
export type GlobalFuncArg =
  | { kind: 'scalar' }
  /** A pointer to the program type's context struct. */
  | { kind: 'ctx' }
  /** A pointer to a type of `size` bytes: memory of that size, or NULL. */
  | { kind: 'mem'; size: number }
  | { kind: 'unsupported'; why: string };

/** A global (non-static) function: verified on its own against its prototype, as the kernel does. */
export interface GlobalFunc {
  /** Instruction slot of its first instruction in `insns`. */
  insn: number;
  name: string;
  args: GlobalFuncArg[];
  /** `other`: a pointer, a struct or void, which the kernel refuses for a global function. */
  returns: 'scalar' | 'other';
}

/** The source line an instruction came from, from .BTF.ext line info or the assembler. */
export interface LineInfo {
  /** Instruction slot (8-byte unit) the line starts at. */
  insn: number;
  file: string;
  line: number;
  col: number;
  text?: string;
}

export interface VerifyInput {
  /** A label for messages: the program's (section) name. */
  name: string;
  /** enum bpf_prog_type. */
  progType: number;
  /** enum bpf_attach_type (expected_attach_type at load), 0 where the type takes none. */
  attachType: number;
  /** Encoded instructions; map references hold their index into `maps` in imm. */
  insns: Uint8Array;
  maps: MapDesc[];
  /** BPF_F_STRICT_ALIGNMENT: packet accesses must be aligned as if NET_IP_ALIGN were 2. */
  strictAlignment: boolean;
  lineInfo?: LineInfo[];
  /** The object's `license` string; GPL-only helpers need a GPL-compatible one. Absent: "GPL". */
  license?: string;
  /** Global functions among the subprograms (from BTF func info); the others are static. */
  globalFuncs?: GlobalFunc[];
  /**
   * BTF and func info for the kernel oracle's raw load (verifier/kernel.ts), one record per
   * subprogram, `insn` in slots: only with them does the kernel know which functions are global.
   */
  btf?: { raw: Uint8Array; funcInfo: { insn: number; typeId: number }[] };
}
