// Places the object's code: encodes every program and function, lays them out in their
// sections, and turns map references and BPF-to-BPF calls into ELF relocations the way LLVM
// writes them. (Linking one program for loading without an ELF file is link-items.ts.)

import type { Diagnostics } from '../diagnostics.ts';
import { R_BPF, SectionName } from '../../format/bpf-object-elf.ts';
import { codes } from './codes.ts';
import { encode, EncodeError, writeInsn, type Encoded } from './encode.ts';
import { isLocalCall, localLabels, targetField, withFields, type Insn, type Item, type SourceLoc } from './insn.ts';
import type { LineInfoSpec } from './btf-ext-write.ts';
import type { FunctionDef, ObjectDef, ProgramDef } from './object.ts';
import { Pseudo } from './opcode.ts';

export interface PlacedRelocation {
  /** Slot within the function. */
  slot: number;
  kind: 'map' | 'call' | 'func';
  /** The map's name, or the called function's. */
  symbol: string;
  type: number;
}

export interface PlacedFunction {
  name: string;
  section: string;
  role: 'entry' | 'subprogram';
  params: number;
  /** Byte offset in its section. */
  offset: number;
  /** The resolved instructions, labels and map refs (symbolic: for listings). */
  encoded: Encoded;
  /** The bytes as written to the ELF file: map refs 0, calls relative to `.text`. */
  bytes: Uint8Array;
  relocations: PlacedRelocation[];
  /** Line info, insnOff in bytes from the function's start; one record wherever the line changes. */
  lines: LineInfoSpec[];
  source?: SourceLoc;
  btfFuncId?: number;
}

type Def = (ProgramDef | FunctionDef) & { section?: string };

/** Encodes and places everything; reports problems into `diags` and skips what cannot be placed. */
export function layoutCode(def: ObjectDef, mapNames: ReadonlySet<string>, diags: Diagnostics): PlacedFunction[] {
  const functions = def.functions ?? [];
  const fnNames = new Set(functions.map((f) => f.name));
  const all: { d: Def; section: string; role: 'entry' | 'subprogram' }[] = [
    ...functions.map((d) => ({ d, section: SectionName.TEXT as string, role: 'subprogram' as const })),
    ...def.programs.map((d) => ({ d, section: d.section, role: 'entry' as const })),
  ];
  const placed: PlacedFunction[] = [];
  const sectionEnd = new Map<string, number>();
  for (const { d, section, role } of all) {
    const labels = localLabels(d.items);
    let ok = true;
    for (const i of d.items) {
      if (i.kind !== 'insn') continue;
      if (i.target !== undefined && !labels.has(i.target) && targetField(i) === 'imm' && !fnNames.has(i.target)) {
        diags.report(codes.SY4004, `${d.name}: calls ${i.target}, which is neither a label here nor a function of the object`, i.source);
        ok = false;
      }
      if (i.map !== undefined && !mapNames.has(i.map)) {
        diags.report(codes.SY4003, `${d.name}: refers to map ${i.map}, which the object does not define`, i.source);
        ok = false;
      }
      if (i.map !== undefined && i.src === Pseudo.MAP_VALUE) {
        diags.report(codes.SY4007, `${d.name}: direct value access to map ${i.map} has no libbpf ELF form; look the value up instead`, i.source);
        ok = false;
      }
    }
    if (!ok) continue;
    let encoded: Encoded;
    try {
      encoded = encode(d.items, { functions: fnNames });
    } catch (e) {
      if (!(e instanceof EncodeError)) throw e;
      diags.report(codes.SY4005, `${d.name}: ${e.message}`, d.source);
      continue;
    }
    const offset = sectionEnd.get(section) ?? 0;
    sectionEnd.set(section, offset + encoded.bytes.length);
    placed.push({
      name: d.name,
      section,
      role,
      params: 'params' in d ? (d.params ?? 0) : 1,
      offset,
      encoded,
      bytes: encoded.bytes.slice(),
      relocations: [],
      lines: lineInfo(encoded, d),
      ...(d.source && { source: d.source }),
    });
  }

  // Calls and function addresses point into .text, so they are patched once .text is laid out.
  const textSlot = new Map(placed.filter((f) => f.section === SectionName.TEXT).map((f) => [f.name, f.offset / 8]));
  for (const f of placed) {
    const view = new DataView(f.bytes.buffer);
    for (const ref of f.encoded.mapRefs) {
      // As LLVM writes them: src 0 and imm 0; libbpf sets src and the fd from the relocation.
      const insn = withFields(f.encoded.insns[ref.index]!, { src: 0, imm64: 0n });
      writeInsn(view, ref.slot * 8, insn);
      f.relocations.push({ slot: ref.slot, kind: 'map', symbol: ref.map, type: R_BPF.R_BPF_64_64 });
    }
    for (const call of f.encoded.calls) {
      const insn = f.encoded.insns[call.index]!;
      const target = textSlot.get(call.target)!;
      // Against the .text section symbol: a call's imm + 1 is the target slot in .text; an
      // LD_IMM64 of a function holds its byte offset.
      const patched = isLocalCall(insn) ? withFields(insn, { imm: target - 1 }) : withFields(insn, { imm64: BigInt(target * 8) });
      writeInsn(view, call.slot * 8, patched);
      f.relocations.push({
        slot: call.slot,
        kind: isLocalCall(insn) ? 'call' : 'func',
        symbol: call.target,
        type: isLocalCall(insn) ? R_BPF.R_BPF_64_32 : R_BPF.R_BPF_64_64,
      });
    }
    f.relocations.sort((a, b) => a.slot - b.slot);
  }
  return placed;
}

/** One record at the function's start and wherever the source position changes. */
function lineInfo(encoded: Encoded, d: Def): LineInfoSpec[] {
  const out: LineInfoSpec[] = [];
  let last: SourceLoc | undefined;
  encoded.insns.forEach((insn: Insn, k) => {
    const src = insn.source ?? (k === 0 ? (d.source ?? { file: '', line: 0, col: 0, text: '' }) : undefined);
    if (!src || (last && src.file === last.file && src.line === last.line && src.col === last.col)) return;
    out.push({ insnOff: encoded.slotOf[k]! * 8, file: src.file, text: src.text, line: src.line, col: src.col });
    last = src;
  });
  return out;
}
