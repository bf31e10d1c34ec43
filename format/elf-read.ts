// Reads a BPF ELF object (ET_REL, EM_BPF: ours, or clang's following libbpf's conventions) into
// the inert BpfObject description (bpf-object.ts). The runtime's loader and the verifier read
// objects only through this function.

import { parseBtf, parseBtfExt, type BtfExt } from './btf-read.ts';
import type { Btf } from './bpf-object-btf.ts';
import { readMaps } from './bpf-object-maps.ts';
import { sectionKind } from './bpf-object-sections.ts';
import { pseudoSrc, refOpcode } from './bpf-uapi.ts';
import {
  ELFCLASS64,
  ELFDATA2LSB,
  ELF_HEADER_SIZE,
  ELF_MAGIC,
  EM_BPF,
  ET_REL,
  R_BPF,
  REL_SIZE,
  SECTION_HEADER_SIZE,
  SHF,
  SHN_UNDEF,
  SHT,
  STB,
  STT,
  SYMBOL_SIZE,
  SectionName,
  stBind,
  stType,
} from './bpf-object-elf.ts';
import type { BpfDataSection, BpfLineInfo, BpfMapDef, BpfObject, BpfProgram, BpfRelocation } from './bpf-object.ts';

export class ElfReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ElfReadError';
  }
}

interface Section {
  index: number;
  name: string;
  type: number;
  flags: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  bytes: Uint8Array;
}

interface Symbol {
  name: string;
  bind: number;
  type: number;
  shndx: number;
  value: number;
  size: number;
}

const utf8 = new TextDecoder();

const cstr = (bytes: Uint8Array, off: number): string => {
  const end = bytes.indexOf(0, off);
  return utf8.decode(bytes.subarray(off, end < 0 ? bytes.length : end));
};

const isDataSection = (s: Section): boolean =>
  /^\.(data|rodata|bss)(\..*)?$/.test(s.name) && (s.type === SHT.PROGBITS || s.type === SHT.NOBITS);

/**
 * Reads `bytes` as a BPF object. `source` names it in errors, which say what is wrong and where
 * ("obj.o: section xdp: relocation 2 at byte 48: ..."). Throws ElfReadError (or BtfError).
 */
export function readBpfObject(bytes: Uint8Array, source = 'BPF object'): BpfObject {
  const fail = (msg: string): never => {
    throw new ElfReadError(`${source}: ${msg}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u64 = (at: number): number => {
    const v = view.getBigUint64(at, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`64-bit field at byte ${at} is too large`);
    return Number(v);
  };

  if (bytes.length < ELF_HEADER_SIZE || ELF_MAGIC.some((b, i) => bytes[i] !== b)) fail('not an ELF file');
  if (bytes[4] !== ELFCLASS64 || bytes[5] !== ELFDATA2LSB) fail('not a 64-bit little-endian ELF file');
  if (view.getUint16(16, true) !== ET_REL) fail(`ELF type ${view.getUint16(16, true)}, expected ET_REL (a relocatable object)`);
  if (view.getUint16(18, true) !== EM_BPF) fail(`machine ${view.getUint16(18, true)}, expected EM_BPF (247)`);
  const shoff = u64(40);
  const shentsize = view.getUint16(58, true);
  const shnum = view.getUint16(60, true);
  const shstrndx = view.getUint16(62, true);
  if (shentsize !== SECTION_HEADER_SIZE || shoff + shnum * shentsize > bytes.length) fail('section header table is malformed');

  const raw = Array.from({ length: shnum }, (_, i) => {
    const at = shoff + i * SECTION_HEADER_SIZE;
    const type = view.getUint32(at + 4, true);
    const offset = u64(at + 24);
    const size = u64(at + 32);
    if (type !== SHT.NOBITS && type !== SHT.NULL && offset + size > bytes.length) fail(`section ${i} runs past the end of the file`);
    return {
      index: i,
      nameOff: view.getUint32(at, true),
      type,
      flags: u64(at + 8),
      offset,
      size,
      link: view.getUint32(at + 40, true),
      info: view.getUint32(at + 44, true),
      bytes: type === SHT.NOBITS ? new Uint8Array(size) : bytes.subarray(offset, offset + size),
    };
  });
  const shstr = raw[shstrndx]?.bytes ?? fail('no section name table');
  const sections: Section[] = raw.map(({ nameOff, ...s }) => ({ ...s, name: cstr(shstr, nameOff) }));
  const byName = (name: string) => sections.find((s) => s.name === name);

  const symtab = sections.find((s) => s.type === SHT.SYMTAB) ?? fail('no symbol table (.symtab)');
  const strtab = sections[symtab.link]?.bytes ?? fail('the symbol table has no string table');
  const symbols: Symbol[] = [];
  for (let at = 0; at + SYMBOL_SIZE <= symtab.size; at += SYMBOL_SIZE) {
    const p = symtab.offset + at;
    const info = view.getUint8(p + 4);
    const shndx = view.getUint16(p + 6, true);
    const type = stType(info);
    const name = type === STT.SECTION ? (sections[shndx]?.name ?? '') : cstr(strtab, view.getUint32(p, true));
    symbols.push({ name, bind: stBind(info), type, shndx, value: u64(p + 8), size: u64(p + 16) });
  }

  const license = byName(SectionName.LICENSE);
  const btfSection = byName(SectionName.BTF);
  const btf = btfSection ? { raw: btfSection.bytes, parsed: parseBtf(btfSection.bytes) } : undefined;
  const extSection = byName(SectionName.BTF_EXT);
  const btfExt = extSection && btf ? parseBtfExt(extSection.bytes, btf.parsed) : undefined;

  // Maps: the .maps section's symbols give each map's offset; BTF gives its definition.
  const mapsSection = byName(SectionName.MAPS);
  const mapAt = new Map<number, BpfMapDef>();
  const maps: BpfMapDef[] = [];
  if (mapsSection && mapsSection.size > 0) {
    if (!btf) fail('.maps needs BTF to describe its maps, and the object has no .BTF section');
    const defs = readMaps(btf!.parsed);
    const syms = symbols.filter((y) => y.shndx === mapsSection.index && y.type === STT.OBJECT).sort((a, b) => a.value - b.value);
    for (const y of syms) {
      const def = defs.get(y.name) ?? fail(`.maps: symbol ${y.name} has no VAR in the .maps DATASEC of BTF`);
      mapAt.set(y.value, def);
      maps.push(def);
    }
    for (const name of defs.keys()) if (!maps.some((m) => m.name === name)) fail(`.maps: map ${name} is in BTF but has no symbol`);
    readInitialSlots(btf!.parsed, sections, symbols, mapsSection, mapAt, view, fail);
  }
  if (byName('maps')) fail('legacy "maps" section (struct bpf_map_def): not supported; declare maps in .maps with BTF');

  const data: BpfDataSection[] = sections.filter(isDataSection).map((s) => ({
    name: s.name,
    size: s.size,
    bytes: s.bytes.slice(),
    readonly: s.name.startsWith('.rodata'),
    btfTypeId: btf?.parsed.types.find((t) => t?.kind === 'DATASEC' && t.name === s.name)?.id ?? 0,
  }));

  const programs: BpfProgram[] = [];
  const progSections = sections.filter((s) => s.type === SHT.PROGBITS && s.flags & SHF.EXECINSTR && s.size > 0);
  for (const s of progSections) {
    const funcs = symbols.filter((y) => y.shndx === s.index && y.type === STT.FUNC).sort((a, b) => a.value - b.value);
    if (funcs.length === 0) fail(`section ${s.name}: code without a function symbol`);
    for (const [k, f] of funcs.entries()) {
      const end = f.size > 0 ? f.value + f.size : (funcs[k + 1]?.value ?? s.size);
      if (f.value % 8 || end % 8 || end > s.size) fail(`section ${s.name}: function ${f.name} spans bytes ${f.value}..${end}, not whole instructions`);
      const role = s.name === SectionName.TEXT ? 'subprogram' : 'entry';
      const program: BpfProgram = {
        name: f.name,
        section: s.name,
        role,
        global: f.bind !== STB.LOCAL,
        offset: f.value,
        insns: s.bytes.slice(f.value, end),
        relocations: [],
        lineInfo: [],
      };
      const kind = role === 'entry' ? sectionKind(s.name) : undefined;
      if (kind) program.kind = kind;
      if (btfExt) attachBtfExt(program, btfExt);
      programs.push(program);
    }
  }
  const seen = new Set<string>();
  for (const p of programs) {
    if (seen.has(p.name)) fail(`function ${p.name} is defined twice (sections ${programs.filter((q) => q.name === p.name).map((q) => q.section).join(', ')})`);
    seen.add(p.name);
  }

  for (const rel of sections.filter((s) => s.type === SHT.REL)) {
    const target = sections[rel.info];
    if (!target || !progSections.includes(target)) continue; // .rel.BTF, .rel.debug_*: for debuggers only
    const where = (i: number) => `section ${target.name}: relocation ${i}`;
    for (let i = 0; i * REL_SIZE < rel.size; i++) {
      const p = rel.offset + i * REL_SIZE;
      const offset = u64(p);
      const type = view.getUint32(p + 8, true);
      const sym = symbols[view.getUint32(p + 12, true)] ?? fail(`${where(i)}: symbol index out of range`);
      const prog = programs.find((q) => q.section === target.name && offset >= q.offset && offset < q.offset + q.insns.length);
      if (!prog || offset % 8) fail(`${where(i)} at byte ${offset}: not at an instruction of any function`);
      const insn = (offset - prog!.offset) / 8;
      const op = target.bytes[offset]!;
      const src = target.bytes[offset + 1]! >> 4;
      const imm = view.getInt32(target.offset + offset + 4, true);
      const at = `${where(i)} (${prog!.name} insn ${insn}, symbol ${sym.name})`;
      prog!.relocations.push(classify(at, insn, op, src, imm, type, sym, sections, mapsSection, mapAt, programs, fail));
    }
  }

  return { source, license: license ? cstr(license.bytes, 0) : '', programs, maps, data, ...(btf && { btf }), ...(btfExt && { btfExt }) };
}

function classify(
  at: string,
  insn: number,
  op: number,
  src: number,
  imm: number,
  type: number,
  sym: Symbol,
  sections: Section[],
  mapsSection: Section | undefined,
  mapAt: Map<number, BpfMapDef>,
  programs: BpfProgram[],
  fail: (msg: string) => never,
): BpfRelocation {
  if (sym.shndx === SHN_UNDEF) return { insn, kind: 'extern', symbol: sym.name };
  const symSection = sections[sym.shndx] ?? fail(`${at}: symbol in section ${sym.shndx}, which does not exist`);
  if (op === refOpcode.CALL && src === pseudoSrc.CALL) {
    // The call's target slot: the symbol's slot plus imm + 1 (global function symbols carry
    // imm -1; section symbols carry the offset in imm).
    return code('call', sym.value / 8 + imm + 1);
  }
  if (op !== refOpcode.LD_IMM64) fail(`${at}: relocation type ${type} on opcode 0x${op.toString(16)}, expected LD_IMM64 or a BPF-to-BPF call`);
  if (symSection === mapsSection) {
    const map = mapAt.get(sym.value) ?? fail(`${at}: no map at offset ${sym.value} of .maps`);
    return { insn, kind: 'map', symbol: sym.name, map: map.name };
  }
  if (isDataSection(symSection)) return { insn, kind: 'data', symbol: sym.name, section: symSection.name, offset: sym.value + imm };
  if (symSection.flags & SHF.EXECINSTR) return code('func', (sym.value + imm) / 8);
  return fail(`${at}: refers to section ${symSection.name}, which is neither .maps, global data nor code`);

  function code(kind: 'call' | 'func', slot: number): BpfRelocation {
    const byte = slot * 8;
    const fn = programs.find((q) => q.section === symSection.name && byte >= q.offset && byte < q.offset + q.insns.length);
    if (!fn) fail(`${at}: target slot ${slot} of section ${symSection.name} is in no function`);
    return { insn, kind, symbol: sym.name, section: symSection.name, function: fn!.name, functionInsn: slot - fn!.offset / 8 };
  }
}

/** `.rel.maps` entries: `values = { [i] = &other }` initialisers of map-in-maps and prog arrays. */
function readInitialSlots(
  btf: Btf,
  sections: Section[],
  symbols: Symbol[],
  mapsSection: Section,
  mapAt: Map<number, BpfMapDef>,
  view: DataView,
  fail: (msg: string) => never,
): void {
  const rel = sections.find((s) => s.type === SHT.REL && s.info === mapsSection.index);
  if (!rel) return;
  const starts = [...mapAt.keys()].sort((a, b) => a - b);
  for (let p = rel.offset; p < rel.offset + rel.size; p += REL_SIZE) {
    const offset = Number(view.getBigUint64(p, true));
    const sym = symbols[view.getUint32(p + 12, true)];
    const start = starts.filter((s) => s <= offset).pop();
    const map = start === undefined ? undefined : mapAt.get(start);
    if (!map || !sym) return fail(`.rel.maps: entry at byte ${offset} of .maps is in no map`);
    const def = btf.types[map.defTypeId];
    const values = def?.kind === 'STRUCT' ? def.members.find((m) => m.name === 'values') : undefined;
    if (!values) return fail(`.rel.maps: map ${map.name} is initialised but declares no 'values' array`);
    (map.initialSlots ??= []).push({ slot: (offset - start! - values.bitOffset / 8) / 8, name: sym.name });
  }
}

/** Moves the .BTF.ext records that fall inside `p` onto it, offsets rebased to its first slot. */
function attachBtfExt(p: BpfProgram, ext: BtfExt): void {
  const inside = (off: number) => off >= p.offset && off < p.offset + p.insns.length;
  const func = ext.funcInfo.get(p.section)?.find((r) => r.insnOff === p.offset);
  if (func) p.btfFuncId = func.typeId;
  p.lineInfo = (ext.lineInfo.get(p.section) ?? [])
    .filter((r) => inside(r.insnOff))
    .map(({ insnOff, ...r }): BpfLineInfo => ({ insn: (insnOff - p.offset) / 8, ...r }));
}
