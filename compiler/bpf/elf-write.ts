// Serialises a relocatable ELF (ET_REL, EM_BPF): sections, a symbol table and `.rel<section>`
// relocation sections, laid out deterministically in the order given. Knows ELF, not BPF
// programs; object.ts decides what goes in.

import {
  ELFCLASS64,
  ELFDATA2LSB,
  ELF_HEADER_SIZE,
  ELF_MAGIC,
  EM_BPF,
  ET_REL,
  EV_CURRENT,
  REL_SIZE,
  SECTION_HEADER_SIZE,
  SHF,
  SHT,
  STB,
  STT,
  SYMBOL_SIZE,
  relSectionName,
  stInfo,
} from '../../format/bpf-object-elf.ts';
import { StringTable } from './btf-write.ts';

export interface ElfSectionSpec {
  name: string;
  type: number;
  flags: number;
  data: Uint8Array;
  align: number;
}

export interface ElfSymbolSpec {
  name: string;
  bind: number;
  type: number;
  /** The section the symbol is in. */
  section: string;
  value: number;
  size: number;
}

export interface ElfRelocationSpec {
  /** The section patched. */
  section: string;
  offset: number;
  type: number;
  /** A symbol's name, or `{ sectionSymbol }` for the section symbol of a section. */
  symbol: string | { sectionSymbol: string };
}

export interface ElfSpec {
  sections: ElfSectionSpec[];
  symbols: ElfSymbolSpec[];
  relocations: ElfRelocationSpec[];
}

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

export function writeElf(spec: ElfSpec): Uint8Array {
  const names = new StringTable();
  // Section order: NULL, .strtab, then each given section followed by its relocations, .symtab.
  const relocsBySection = new Map<string, ElfRelocationSpec[]>();
  for (const r of spec.relocations) (relocsBySection.get(r.section) ?? relocsBySection.set(r.section, []).get(r.section)!).push(r);

  type Out = { name: string; type: number; flags: number; data: Uint8Array; align: number; link: number; info: number; entsize: number; nameOff: number };
  const out: Out[] = [];
  const push = (s: Omit<Out, 'nameOff'>): number => out.push({ ...s, nameOff: names.add(s.name) }) - 1;
  push({ name: '', type: SHT.NULL, flags: 0, data: new Uint8Array(0), align: 0, link: 0, info: 0, entsize: 0 });
  const strtabIndex = push({ name: '.strtab', type: SHT.STRTAB, flags: 0, data: new Uint8Array(0), align: 1, link: 0, info: 0, entsize: 0 });
  const indexOf = new Map<string, number>();
  const relIndex: { target: string; index: number }[] = [];
  for (const s of spec.sections) {
    if (indexOf.has(s.name)) throw new Error(`ELF section ${s.name}: added twice`);
    indexOf.set(s.name, push({ ...s, link: 0, info: 0, entsize: 0 }));
    if (relocsBySection.has(s.name)) {
      const i = push({ name: relSectionName(s.name), type: SHT.REL, flags: SHF.INFO_LINK, data: new Uint8Array(0), align: 8, link: 0, info: indexOf.get(s.name)!, entsize: REL_SIZE });
      relIndex.push({ target: s.name, index: i });
    }
  }
  for (const r of spec.relocations) if (!indexOf.has(r.section)) throw new Error(`ELF relocation: section ${r.section} does not exist`);

  // Symbols: locals first (the null symbol, section symbols, local symbols), then globals.
  const strings = new StringTable();
  type Sym = { nameOff: number; info: number; shndx: number; value: number; size: number; key: string };
  const sectionSyms = [...new Set(spec.relocations.flatMap((r) => (typeof r.symbol === 'string' ? [] : [r.symbol.sectionSymbol])))];
  const syms: Sym[] = [{ nameOff: 0, info: 0, shndx: 0, value: 0, size: 0, key: '' }];
  for (const s of sectionSyms) {
    const shndx = indexOf.get(s) ?? fail(`section symbol of ${s}: no such section`);
    syms.push({ nameOff: 0, info: stInfo(STB.LOCAL, STT.SECTION), shndx, value: 0, size: 0, key: `section:${s}` });
  }
  const ordered = [...spec.symbols.filter((s) => s.bind === STB.LOCAL), ...spec.symbols.filter((s) => s.bind !== STB.LOCAL)];
  for (const s of ordered) {
    const shndx = indexOf.get(s.section) ?? fail(`symbol ${s.name}: section ${s.section} does not exist`);
    if (syms.some((y) => y.key === s.name)) fail(`symbol ${s.name}: defined twice`);
    syms.push({ nameOff: strings.add(s.name), info: stInfo(s.bind, s.type), shndx, value: s.value, size: s.size, key: s.name });
  }
  const firstGlobal = syms.findIndex((s, i) => i > 0 && s.info >> 4 !== STB.LOCAL);
  const symIndex = new Map(syms.map((s, i) => [s.key, i]));

  const symtab = new Uint8Array(syms.length * SYMBOL_SIZE);
  const sv = new DataView(symtab.buffer);
  syms.forEach((s, i) => {
    const p = i * SYMBOL_SIZE;
    sv.setUint32(p, s.nameOff, true);
    sv.setUint8(p + 4, s.info);
    sv.setUint8(p + 5, 0);
    sv.setUint16(p + 6, s.shndx, true);
    sv.setBigUint64(p + 8, BigInt(s.value), true);
    sv.setBigUint64(p + 16, BigInt(s.size), true);
  });
  const symtabIndex = push({ name: '.symtab', type: SHT.SYMTAB, flags: 0, data: symtab, align: 8, link: strtabIndex, info: firstGlobal < 0 ? syms.length : firstGlobal, entsize: SYMBOL_SIZE });

  for (const { target, index } of relIndex) {
    const rels = relocsBySection.get(target)!;
    const data = new Uint8Array(rels.length * REL_SIZE);
    const rv = new DataView(data.buffer);
    rels.forEach((r, i) => {
      const key = typeof r.symbol === 'string' ? r.symbol : `section:${r.symbol.sectionSymbol}`;
      const sym = symIndex.get(key) ?? fail(`relocation in ${target} at ${r.offset}: symbol ${key} is not defined`);
      rv.setBigUint64(i * REL_SIZE, BigInt(r.offset), true);
      rv.setBigUint64(i * REL_SIZE + 8, (BigInt(sym) << 32n) | BigInt(r.type), true);
    });
    out[index]!.data = data;
    out[index]!.link = symtabIndex;
  }
  // Both section names and symbol names share .strtab, as LLVM does.
  const symbolNames = strings.bytes();
  const sectionNames = names.bytes();
  const strtab = new Uint8Array(sectionNames.length + symbolNames.length);
  strtab.set(sectionNames, 0);
  strtab.set(symbolNames, sectionNames.length);
  out[strtabIndex]!.data = strtab;
  for (let i = 0; i < syms.length; i++) if (syms[i]!.nameOff) sv.setUint32(i * SYMBOL_SIZE, syms[i]!.nameOff + sectionNames.length, true);

  // Layout: header, section contents (aligned), section header table.
  const offsets: number[] = [];
  let p = ELF_HEADER_SIZE;
  for (const s of out) {
    p = align(p, Math.max(1, s.align));
    offsets.push(p);
    if (s.type !== SHT.NOBITS) p += s.data.length;
  }
  const shoff = align(p, 8);
  const file = new Uint8Array(shoff + out.length * SECTION_HEADER_SIZE);
  const v = new DataView(file.buffer);
  file.set(ELF_MAGIC, 0);
  file[4] = ELFCLASS64;
  file[5] = ELFDATA2LSB;
  file[6] = EV_CURRENT;
  v.setUint16(16, ET_REL, true);
  v.setUint16(18, EM_BPF, true);
  v.setUint32(20, EV_CURRENT, true);
  v.setBigUint64(40, BigInt(shoff), true);
  v.setUint16(52, ELF_HEADER_SIZE, true);
  v.setUint16(58, SECTION_HEADER_SIZE, true);
  v.setUint16(60, out.length, true);
  v.setUint16(62, strtabIndex, true);
  out.forEach((s, i) => {
    if (s.type !== SHT.NOBITS) file.set(s.data, offsets[i]!);
    const h = shoff + i * SECTION_HEADER_SIZE;
    v.setUint32(h, i === 0 ? 0 : s.nameOff, true);
    v.setUint32(h + 4, s.type, true);
    v.setBigUint64(h + 8, BigInt(s.flags), true);
    v.setBigUint64(h + 24, BigInt(i === 0 ? 0 : offsets[i]!), true);
    v.setBigUint64(h + 32, BigInt(s.data.length), true);
    v.setUint32(h + 40, s.link, true);
    v.setUint32(h + 44, s.info, true);
    v.setBigUint64(h + 48, BigInt(s.align), true);
    v.setBigUint64(h + 56, BigInt(s.entsize), true);
  });
  return file;
}

function fail(msg: string): never {
  throw new Error(`write ELF: ${msg}`);
}
