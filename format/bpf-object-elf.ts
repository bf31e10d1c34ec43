// ELF facts a BPF object uses (the System V gABI and the BPF psABI), shared by the compiler's
// ELF writer and the runtime's reader so both speak the same numbers. Constants only.

export const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const EV_CURRENT = 1;
export const ET_REL = 1;
/** e_machine of eBPF objects. */
export const EM_BPF = 247;

export const ELF_HEADER_SIZE = 64;
export const SECTION_HEADER_SIZE = 64;
export const SYMBOL_SIZE = 24;
/** Elf64_Rel: r_offset, r_info (symbol index << 32 | type). BPF objects use REL, not RELA. */
export const REL_SIZE = 16;

export const SHT = {
  NULL: 0,
  PROGBITS: 1,
  SYMTAB: 2,
  STRTAB: 3,
  RELA: 4,
  NOBITS: 8,
  REL: 9,
  LLVM_ADDRSIG: 0x6fff4c03,
} as const;

export const SHF = { WRITE: 0x1, ALLOC: 0x2, EXECINSTR: 0x4, STRINGS: 0x20, INFO_LINK: 0x40 } as const;

export const SHN_UNDEF = 0;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;

export const STB = { LOCAL: 0, GLOBAL: 1, WEAK: 2 } as const;
export const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4 } as const;
export const STV = { DEFAULT: 0, HIDDEN: 2 } as const;

export const stInfo = (bind: number, type: number): number => (bind << 4) | (type & 0xf);
export const stBind = (info: number): number => info >> 4;
export const stType = (info: number): number => info & 0xf;

/** BPF relocation types (the BPF psABI as LLVM writes it). */
export const R_BPF = {
  NONE: 0,
  /** LD_IMM64: a map or global data address; libbpf writes an fd (and offset) into the imm pair. */
  R_BPF_64_64: 1,
  /** 64-bit data word (BTF, debug info). */
  R_BPF_64_ABS64: 2,
  /** 32-bit data word (.BTF.ext instruction offsets). */
  R_BPF_64_ABS32: 3,
  R_BPF_64_NODYLD32: 4,
  /** A call's imm: a BPF-to-BPF call target. */
  R_BPF_64_32: 10,
} as const;

/** Section names with a meaning to libbpf besides program sections. */
export const SectionName = {
  LICENSE: 'license',
  VERSION: 'version',
  MAPS: '.maps',
  BTF: '.BTF',
  BTF_EXT: '.BTF.ext',
  TEXT: '.text',
  SYMTAB: '.symtab',
  STRTAB: '.strtab',
} as const;

/** Relocation sections are named `.rel` + the section they apply to (no dot in between). */
export const relSectionName = (section: string): string => `.rel${section}`;
