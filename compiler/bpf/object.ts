// A BPF object as the compiler defines it (programs, functions, maps, license) and its build into
// an ELF file that libbpf, bpftool, llvm-objdump and switchyard-node all load: code and
// relocations from layout.ts, .maps and types in BTF, line info in .BTF.ext.

import { Diagnostics, DiagnosticError } from '../diagnostics.ts';
import { BtfLinkage } from '../../format/bpf-object-btf.ts';
import { SHF, SHT, STB, STT, SectionName } from '../../format/bpf-object-elf.ts';
import { sectionKind } from '../../format/bpf-object-sections.ts';
import { encodeBtfExt, type SectionInfo } from './btf-ext-write.ts';
import { BtfBuilder } from './btf-write.ts';
import { codes } from './codes.ts';
import { writeElf, type ElfRelocationSpec, type ElfSymbolSpec } from './elf-write.ts';
import type { Item, SourceLoc } from './insn.ts';
import { layoutCode, type PlacedFunction } from './layout.ts';
import { checkMapDef, mapsBtf, type MapDef } from './maps.ts';

export const DEFAULT_LICENSE = 'Dual BSD/GPL';

/** An entry program: loaded and attached on its own. */
export interface ProgramDef {
  /** Its symbol name (and the kernel's program name, cut to 15 bytes). */
  name: string;
  /** libbpf's section name, which says the program type: `xdp`, `tcx/ingress`, `cgroup/connect4`, ... */
  section: string;
  items: readonly Item[];
  /** Where it is declared, for line info when its first instruction carries none. */
  source?: SourceLoc;
}

/** A BPF-to-BPF function (in `.text`), called with `callLocal(name)` or taken with `ldFunc`. */
export interface FunctionDef {
  name: string;
  items: readonly Item[];
  /** Arguments it takes in r1..r5, for its BTF prototype (each a u64). */
  params?: number;
  source?: SourceLoc;
}

export interface ObjectDef {
  programs: readonly ProgramDef[];
  functions?: readonly FunctionDef[];
  maps?: readonly MapDef[];
  license?: string;
}

export interface BuiltObject {
  /** The ELF file. */
  elf: Uint8Array;
  /** Every function as placed: section, offset, resolved instructions (for listings). */
  functions: PlacedFunction[];
}

/**
 * Builds the object. Collects every problem (duplicate names, unknown sections, maps or
 * functions, bad map definitions, encoding errors) and throws one DiagnosticError with all.
 */
export function buildObject(def: ObjectDef): BuiltObject {
  const diags = new Diagnostics();
  const maps = def.maps ?? [];
  const seen = new Map<string, string>();
  const unique = (kind: string, name: string, range?: SourceLoc) => {
    const before = seen.get(name);
    if (before) diags.report(codes.SY4001, `${kind} ${name}: the name is already used by a ${before}`, range);
    else seen.set(name, kind);
  };
  for (const p of def.programs) unique('program', p.name, p.source);
  for (const f of def.functions ?? []) unique('function', f.name, f.source);
  const mapNames = new Set<string>();
  for (const m of maps) {
    if (mapNames.has(m.name)) diags.report(codes.SY4001, `map ${m.name}: defined twice`);
    mapNames.add(m.name);
    for (const problem of checkMapDef(m)) diags.report(codes.SY4006, problem);
  }
  for (const p of def.programs) {
    if (!sectionKind(p.section)) {
      diags.report(codes.SY4002, `program ${p.name}: section ${p.section} is not a program section libbpf knows`, p.source, [
        'use one of xdp, tcx/ingress, tcx/egress, tc, cgroup/connect4, cgroup/sendmsg4, ... (format/bpf-object-sections.ts)',
      ]);
    }
  }
  const placed = layoutCode(def, mapNames, diags);
  if (diags.hasErrors) throw new DiagnosticError(diags.sorted());

  const btf = new BtfBuilder();
  const layout = mapsBtf(btf, maps);
  const intType = btf.int('int', 4, true);
  const u64Type = btf.int('unsigned long long', 8, false);
  for (const f of placed) {
    if (f.role === 'entry') {
      const ctxName = sectionKind(f.section)?.ctxStruct ?? '__sk_buff';
      // An empty struct of the right name: the verifier matches the context by name, and a
      // forward declaration would make it log that the size cannot be determined.
      const proto = btf.funcProto(intType, [{ name: 'ctx', type: btf.ptr(btf.struct(ctxName, 0, [])) }]);
      f.btfFuncId = btf.func(f.name, proto, BtfLinkage.GLOBAL);
    } else {
      const params = Array.from({ length: f.params }, (_, i) => ({ name: `a${i + 1}`, type: u64Type }));
      f.btfFuncId = btf.func(f.name, btf.funcProto(u64Type, params), BtfLinkage.STATIC);
    }
  }

  const sections = [...new Set(placed.map((f) => f.section))];
  const sectionBytes = (s: string): Uint8Array => {
    const fs = placed.filter((f) => f.section === s);
    const out = new Uint8Array(fs.reduce((n, f) => n + f.bytes.length, 0));
    for (const f of fs) out.set(f.bytes, f.offset);
    return out;
  };
  const extSections: SectionInfo[] = sections.map((s) => ({
    section: s,
    funcs: placed.filter((f) => f.section === s).map((f) => ({ insnOff: f.offset, typeId: f.btfFuncId! })),
    lines: placed.filter((f) => f.section === s).flatMap((f) => f.lines.map((l) => ({ ...l, insnOff: f.offset + l.insnOff }))),
  }));
  const btfExt = encodeBtfExt(extSections, btf.strings);

  const license = new TextEncoder().encode((def.license ?? DEFAULT_LICENSE) + '\0');
  const symbols: ElfSymbolSpec[] = [
    ...placed.map((f) => ({
      name: f.name,
      bind: f.role === 'entry' ? STB.GLOBAL : STB.LOCAL,
      type: STT.FUNC,
      section: f.section,
      value: f.offset,
      size: f.bytes.length,
    })),
    ...maps.map((m) => ({ name: m.name, bind: STB.GLOBAL, type: STT.OBJECT, section: SectionName.MAPS, ...sizeAt(layout.offsets.get(m.name)!) })),
    { name: 'LICENSE', bind: STB.GLOBAL, type: STT.OBJECT, section: SectionName.LICENSE, value: 0, size: license.length },
  ];
  const relocations: ElfRelocationSpec[] = placed.flatMap((f) =>
    f.relocations.map((r) => ({
      section: f.section,
      offset: f.offset + r.slot * 8,
      type: r.type,
      symbol: r.kind === 'map' ? r.symbol : { sectionSymbol: SectionName.TEXT },
    })),
  );
  const code = (name: string) => ({ name, type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.EXECINSTR, data: sectionBytes(name), align: 8 });
  const elf = writeElf({
    sections: [
      ...sections.map(code),
      ...(maps.length ? [{ name: SectionName.MAPS, type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.WRITE, data: new Uint8Array(layout.size), align: 8 }] : []),
      { name: SectionName.LICENSE, type: SHT.PROGBITS, flags: SHF.ALLOC | SHF.WRITE, data: license, align: 1 },
      { name: SectionName.BTF, type: SHT.PROGBITS, flags: 0, data: btf.encode(), align: 4 },
      { name: SectionName.BTF_EXT, type: SHT.PROGBITS, flags: 0, data: btfExt, align: 4 },
    ],
    symbols,
    relocations,
  });
  return { elf, functions: placed };
}

const sizeAt = (o: { offset: number; size: number }) => ({ value: o.offset, size: o.size });
