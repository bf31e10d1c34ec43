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
}
