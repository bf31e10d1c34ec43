// The inert description of one node's BPF object as the runtime loads it: map definitions,
// programs with their map references, license and BTF. Built from the ELF reader's output
// (object-from-elf.ts) or directly by tests; only maps.ts/program.ts turn it into kernel objects.

import { mapTypes, uapiName } from '../format/bpf-uapi.ts';

export interface MapDef {
  /** The map's name in `.maps`; also its pin name. */
  name: string;
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  /** BTF type ids of key and value in the object's BTF, when it has one. */
  btfKeyTypeId?: number;
  btfValueTypeId?: number;
}

/** A record of .BTF.ext func_info or line_info for one program, ready for BPF_PROG_LOAD. */
export interface ExtInfo {
  recSize: number;
  count: number;
  /** count × recSize bytes, instruction offsets counted in instructions from the program start. */
  bytes: Uint8Array;
}

export interface ProgramDef {
  /** The function's symbol name. */
  name: string;
  /** The ELF section it came from: says which hook it attaches to (section.ts). */
  section: string;
  /** Encoded instructions (8 bytes each; ld_imm64 takes two), subprograms already appended. */
  insns: Uint8Array;
  /** ld_imm64 instructions (by instruction index) that must carry the fd of a map. */
  mapRefs: Array<{ insn: number; map: string }>;
  /** ld_imm64 instructions that must carry the address of a global data section, plus `offset`. */
  dataRefs: Array<{ insn: number; section: string; offset: number }>;
  funcInfo?: ExtInfo;
  lineInfo?: ExtInfo;
}

export interface LoadableObject {
  license: string;
  /** The raw .BTF section, when the object has one. */
  btf?: Uint8Array;
  maps: MapDef[];
  /** Global data (.data, .rodata, .bss): one single-slot array map each, made per load. */
  data: DataDef[];
  programs: ProgramDef[];
}

export interface DataDef {
  /** `.rodata`, `.data`, `.bss` or a `.name` variant. */
  section: string;
  bytes: Uint8Array;
  /** Frozen after it is written, as `.rodata` must be for the verifier to trust its constants. */
  readonly: boolean;
}

/** Short text for a map's geometry, as status and errors print it. */
export function describeMapDef(m: Pick<MapDef, 'type' | 'keySize' | 'valueSize' | 'maxEntries' | 'flags'>): string {
  return `${mapTypeName(m.type)} key ${m.keySize} B, value ${m.valueSize} B, max ${m.maxEntries}${m.flags ? `, flags 0x${m.flags.toString(16)}` : ''}`;
}


export function mapTypeName(type: number): string {
  const name = uapiName(mapTypes, type);
  return name.startsWith('#') ? `map type ${type}` : name;
}
