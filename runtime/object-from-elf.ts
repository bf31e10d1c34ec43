// From the ELF reader's inert BpfObject to what the loader loads: each entry program linked with
// the subprograms it calls (appended after it, call offsets fixed), its map and data references
// listed by final instruction index, and func/line info rebased to match.

import { readBpfObject } from './format/elf-read.ts';
import type { BpfMapDef, BpfObject, BpfProgram } from './format/bpf-object.ts';
import type { ExtInfo, LoadableObject, MapDef, ProgramDef } from './object.ts';

const PSEUDO_FUNC = 4;

/** Reads and links a BPF ELF object; `source` names it in errors. */
export function loadableFromElf(bytes: Uint8Array, source: string): LoadableObject {
  return loadableFromObject(readBpfObject(bytes, source));
}

export function loadableFromObject(obj: BpfObject): LoadableObject {
  const out: LoadableObject = {
    license: obj.license,
    maps: obj.maps.map((m) => mapDef(m, obj.source)),
    data: obj.data.filter((d) => d.size > 0).map((d) => ({ section: d.name, bytes: d.bytes, readonly: d.readonly })),
    programs: obj.programs.filter((p) => p.role === 'entry').map((p) => link(p, obj)),
  };
  if (obj.btf) out.btf = obj.btf.raw;
  return out;
}

function mapDef(m: BpfMapDef, source: string): MapDef {
  if (m.inner) {
    throw new Error(`${source}: map ${m.name} is a map of maps; switchyard-node does not load those yet (use a flat map)`);
  }
  const def: MapDef = { name: m.name, type: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags };
  if (m.keyTypeId && m.valueTypeId) {
    def.btfKeyTypeId = m.keyTypeId;
    def.btfValueTypeId = m.valueTypeId;
  }
  return def;
}

/** The entry program followed by every function it reaches through calls, each placed once. */
function link(entry: BpfProgram, obj: BpfObject): ProgramDef {
  const byName = new Map(obj.programs.map((p) => [p.name, p]));
  const order: BpfProgram[] = [entry];
  const start = new Map<string, number>([[entry.name, 0]]);
  let slots = entry.insns.length / 8;
  for (let i = 0; i < order.length; i++) {
    for (const r of order[i]!.relocations) {
      if (r.kind === 'extern') {
        throw new Error(`${obj.source}: program ${entry.name}: symbol ${r.symbol} is an extern (kconfig/ksym), which switchyard-node cannot resolve`);
      }
      if ((r.kind === 'call' || r.kind === 'func') && !start.has(r.function)) {
        const fn = byName.get(r.function);
        if (!fn) throw new Error(`${obj.source}: program ${entry.name} calls ${r.function}, which the object does not define`);
        start.set(fn.name, slots);
        slots += fn.insns.length / 8;
        order.push(fn);
      }
    }
  }

  const insns = new Uint8Array(slots * 8);
  const view = new DataView(insns.buffer);
  const def: ProgramDef = { name: entry.name, section: entry.section, insns, mapRefs: [], dataRefs: [] };
  for (const p of order) {
    const base = start.get(p.name)!;
    insns.set(p.insns, base * 8);
    for (const r of p.relocations) {
      const at = base + r.insn;
      if (r.kind === 'map') def.mapRefs.push({ insn: at, map: r.map });
      else if (r.kind === 'data') def.dataRefs.push({ insn: at, section: r.section, offset: r.offset });
      else if (r.kind === 'call' || r.kind === 'func') {
        // Both take the target as a slot offset from the instruction after this one.
        view.setInt32(at * 8 + 4, start.get(r.function)! + r.functionInsn - (at + 1), true);
        if (r.kind === 'func') insns[at * 8 + 1] = (insns[at * 8 + 1]! & 0x0f) | (PSEUDO_FUNC << 4);
      }
    }
  }

  // The kernel wants func info for every function or none, and line info starting each function.
  if (order.every((p) => p.btfFuncId !== undefined)) {
    def.funcInfo = packExt(8, order.map((p) => [start.get(p.name)!, p.btfFuncId!]));
  }
  if (order.every((p) => p.lineInfo.length > 0 && p.lineInfo[0]!.insn === 0)) {
    def.lineInfo = packExt(
      16,
      order.flatMap((p) => p.lineInfo.map((l) => [start.get(p.name)! + l.insn, l.fileNameOff, l.lineOff, (l.line << 10) | (l.col & 0x3ff)])),
    );
  }
  return def;
}

function packExt(recSize: number, records: number[][]): ExtInfo {
  const bytes = new Uint8Array(records.length * recSize);
  const view = new DataView(bytes.buffer);
  records.forEach((fields, i) => fields.forEach((v, j) => view.setUint32(i * recSize + j * 4, v >>> 0, true)));
  return { recSize, count: records.length, bytes };
}
