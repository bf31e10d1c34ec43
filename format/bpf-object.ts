// The inert description of a BPF ELF object, as elf-read.ts returns it: programs with their
// instruction bytes and relocations, BTF-defined maps, global data, license, BTF and line info.
// The loader and the verifier read objects only through this shape; nothing here touches the kernel.

import type { Btf } from './bpf-object-btf.ts';
import type { BtfExt } from './btf-read.ts';
import type { SectionKind } from './bpf-object-sections.ts';

export interface BpfObject {
  /** Where the bytes came from (a path, or a label), for messages. */
  source: string;
  /** The `license` section's string, e.g. "Dual BSD/GPL"; '' when absent. */
  license: string;
  /** Entry programs (in program sections) and subprograms (functions in `.text`), in section
   *  order and then by offset. Names are unique. */
  programs: BpfProgram[];
  /** Maps declared in `.maps`, in the order of their offsets in the section. */
  maps: BpfMapDef[];
  /** Global data sections (`.data`, `.rodata`, `.bss`, and their `.name` variants), which libbpf
   *  turns into single-element array maps. */
  data: BpfDataSection[];
  /** `.BTF` as it is in the file (load it with BPF_BTF_LOAD as is) and parsed. */
  btf?: { raw: Uint8Array; parsed: Btf };
  /** `.BTF.ext` parsed: per-section func and line info, instruction offsets in bytes. */
  btfExt?: BtfExt;
}

export interface BpfProgram {
  /** The function's symbol name. */
  name: string;
  /** Its ELF section, e.g. `xdp`, `tcx/ingress`, `cgroup/connect4`, `.text`. */
  section: string;
  /** 'entry': a program to load (in a program section). 'subprogram': a function in `.text`,
   *  only reachable through BPF-to-BPF calls, appended to each entry program that calls it. */
  role: 'entry' | 'subprogram';
  /** STB_GLOBAL (true) or STB_LOCAL (static) symbol. */
  global: boolean;
  /** Program type and expected attach type from the section name; undefined for a section name
   *  libbpf would not recognise (and always for subprograms). */
  kind?: SectionKind;
  /** Byte offset of the first instruction within the section. */
  offset: number;
  /** The instructions as stored (8 bytes per slot): map fds, data addresses and call targets
   *  still as the compiler left them; `relocations` say what to fill in. */
  insns: Uint8Array;
  relocations: BpfRelocation[];
  /** BTF FUNC type id of this function (from .BTF.ext func info), when the object has BTF. */
  btfFuncId?: number;
  /** Line info for this function's instructions, `insn` counted in slots from its start, in order. */
  lineInfo: BpfLineInfo[];
}

export interface BpfLineInfo {
  /** Slot index within the program. */
  insn: number;
  /** Offsets into the .BTF string table (the kernel takes these as they are). */
  fileNameOff: number;
  lineOff: number;
  file: string;
  /** The source line's text. */
  text: string;
  line: number;
  col: number;
}

/**
 * What one relocation asks the loader to fill in. `insn` is the slot index within the program
 * (an LD_IMM64 or a CALL), `symbol` the ELF symbol's name (a section symbol has the section's).
 *
 * - map:   LD_IMM64 → set src to BPF_PSEUDO_MAP_FD and imm to the fd of map `map`.
 * - data:  LD_IMM64 → BPF_PSEUDO_MAP_VALUE into the global data map of `section`, at byte `offset`.
 * - call:  CALL (src 1) → a BPF-to-BPF call to `function`, at slot `functionInsn` within it
 *          (0 for a call to its start); the loader appends that function and sets imm.
 * - func:  LD_IMM64 (src BPF_PSEUDO_FUNC) → the address of a function (callback), same fields as call.
 * - extern: a symbol this object does not define (a kconfig or ksym extern); loaders that do not
 *          resolve externs must refuse the program.
 */
export type BpfRelocation =
  | { insn: number; kind: 'map'; symbol: string; map: string }
  | { insn: number; kind: 'data'; symbol: string; section: string; offset: number }
  | { insn: number; kind: 'call' | 'func'; symbol: string; section: string; function: string; functionInsn: number }
  | { insn: number; kind: 'extern'; symbol: string };

export interface BpfMapDef {
  /** The map's variable name in `.maps`. */
  name: string;
  /** enum bpf_map_type. */
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  /** map_flags (BPF_F_NO_PREALLOC, ...). */
  flags: number;
  /** 0: not pinned; 1: LIBBPF_PIN_BY_NAME (pinned under the bpffs directory by its name). */
  pinning: number;
  numaNode: number;
  mapExtra: bigint;
  /** BTF type ids of the key and value types when declared with `__type` (0 when only sizes). */
  keyTypeId: number;
  valueTypeId: number;
  /** BTF type id of the map's definition struct. */
  defTypeId: number;
  /** Map-in-map: the inner map's definition (named `<outer>.inner`) from `__array(values, ...)`. */
  inner?: BpfMapDef;
  /** Initial slots of a map-in-map or prog array (`values = { [3] = &other }`): slot → map or
   *  program name; absent slots stay empty. */
  initialSlots?: { slot: number; name: string }[];
}

export interface BpfDataSection {
  /** `.data`, `.rodata`, `.bss`, `.data.foo`, `.rodata.str1.1`, ... */
  name: string;
  size: number;
  /** Initial contents; zeros for `.bss`. */
  bytes: Uint8Array;
  /** `.rodata*`: frozen after loading. */
  readonly: boolean;
  /** The DATASEC type describing it in BTF, 0 when absent. */
  btfTypeId: number;
}
