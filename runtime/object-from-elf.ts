// From the ELF reader's inert BpfObject to what the loader loads: each entry program linked by
// the shared linker (format/link-program.ts), and its func/line info packed as BPF_PROG_LOAD
// takes it.

import { readBpfObject } from '../format/elf-read.ts';
import { linkProgram } from '../format/link-program.ts';
import type { BpfMapDef, BpfObject, BpfProgram } from '../format/bpf-object.ts';
import type { ExtInfo, LoadableObject, MapDef, ProgramDef } from './object.ts';

/** Reads and links a BPF ELF object; `source` names it in errors. */
export function loadableFromElf(bytes: Uint8Array, source: string): LoadableObject {
  return loadableFromObject(readBpfObject(bytes, source));
}

export function loadableFromObject(obj: BpfObject): LoadableObject {
  const out: LoadableObject = {
    license: obj.license,
    maps: obj.maps.map((m) => mapDef(m, obj.source)),
    data: obj.data.filter((d) => d.size > 0).map((d) => ({ section: d.name, bytes: d.bytes, readonly: d.readonly })),
    programs: obj.programs.filter((p) => p.role === 'entry').map((p) => programDef(p, obj)),
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

/** The entry linked with what it calls (format/link-program.ts), in the shape BPF_PROG_LOAD takes. */
function programDef(entry: BpfProgram, obj: BpfObject): ProgramDef {
  const linked = linkProgram(obj, entry.name);
  const extern = linked.externRefs[0];
  if (extern) {
    throw new Error(`${obj.source}: program ${entry.name}: symbol ${extern.symbol} is an extern (kconfig/ksym), which switchyard-node cannot resolve`);
  }
  const def: ProgramDef = { name: entry.name, section: entry.section, insns: linked.insns, mapRefs: linked.mapRefs, dataRefs: linked.dataRefs };
  if (linked.funcInfo) def.funcInfo = packExt(8, linked.funcInfo.map((f) => [f.insn, f.typeId]));
  // The kernel wants line info that starts each function, or none.
  if (linked.functions.every((f) => f.program.lineInfo[0]?.insn === 0)) {
    def.lineInfo = packExt(16, linked.lineInfo.map((l) => [l.insn, l.fileNameOff, l.lineOff, (l.line << 10) | (l.col & 0x3ff)]));
  }
  return def;
}

function packExt(recSize: number, records: number[][]): ExtInfo {
  const bytes = new Uint8Array(records.length * recSize);
  const view = new DataView(bytes.buffer);
  records.forEach((fields, i) => fields.forEach((v, j) => view.setUint32(i * recSize + j * 4, v >>> 0, true)));
  return { recSize, count: records.length, bytes };
}
