// From a BPF ELF object (ours or clang's, read by format/elf-read.ts) to one verifier
// input per entry program: linked by the loader's own linker (format/link-program.ts),
// map, data and kconfig references turned into indexes of the map table, line info kept for
// messages.

import { readBpfObject } from '../format/elf-read.ts';
import type { BpfObject } from '../format/bpf-object.ts';
import { BPF_F_RDONLY_PROG, pseudoSrc } from '../format/bpf-uapi.ts';
import { linkProgram } from '../format/link-program.ts';
import { objectGlobalFunc } from './global-funcs.ts';
import type { GlobalFunc, LineInfo, MapDesc, VerifyInput } from './input.ts';
import { kconfigMap, type KconfigLayout } from './kconfig.ts';
import { mapValueFields } from './map-fields.ts';

const MAP_ARRAY = 2;

export class ObjectInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ObjectInputError';
  }
}

/**
 * The object's map table: its maps (inner templates after their outer map), its data sections,
 * then `.kconfig` when the object has kconfig externs.
 */
function mapTable(obj: BpfObject): { maps: MapDesc[]; mapIndex: Map<string, number>; dataIndex: Map<string, number>; kconfig?: KconfigLayout & { index: number } } {
  const maps: MapDesc[] = [];
  const mapIndex = new Map<string, number>();
  // Special fields (spin locks, timers, kptrs) of each value type, global data included.
  const fieldsOf = (typeId: number, mapType: number) => {
    const fields = obj.btf && typeId ? mapValueFields(obj.btf.parsed, typeId, mapType) : [];
    return fields.length ? { fields } : {};
  };
  for (const m of obj.maps) {
    let inner: number | undefined;
    if (m.inner) {
      inner = maps.length;
      maps.push({ name: m.inner.name, type: m.inner.type, keySize: m.inner.keySize, valueSize: m.inner.valueSize, maxEntries: m.inner.maxEntries, flags: m.inner.flags, ...fieldsOf(m.inner.valueTypeId, m.inner.type) });
    }
    mapIndex.set(m.name, maps.length);
    const fields = fieldsOf(m.valueTypeId, m.type).fields ?? [];
    maps.push({ name: m.name, type: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags, ...(inner !== undefined ? { inner } : {}), ...(fields.length ? { fields } : {}) });
  }
  const dataIndex = new Map<string, number>();
  for (const d of obj.data) {
    if (d.size === 0) continue;
    dataIndex.set(d.name, maps.length);
    // libbpf makes each global data section a one-element array map; .rodata read-only to
    // programs and frozen, so its contents are known.
    maps.push({
      name: d.name,
      type: MAP_ARRAY,
      keySize: 4,
      valueSize: d.size,
      maxEntries: 1,
      ...(d.readonly ? { flags: BPF_F_RDONLY_PROG, contents: d.bytes } : {}),
      ...fieldsOf(d.btfTypeId, MAP_ARRAY),
    });
  }
  const layout = kconfigMap(obj);
  if (!layout) return { maps, mapIndex, dataIndex };
  const index = maps.length;
  // Its values are the node's kernel configuration: unknown here, read-only to programs.
  maps.push({ name: '.kconfig', type: MAP_ARRAY, keySize: 4, valueSize: layout.size, maxEntries: 1, flags: BPF_F_RDONLY_PROG });
  return { maps, mapIndex, dataIndex, kconfig: { ...layout, index } };
}

/** One input per entry program of the object. `strictAlignment` applies to all of them. */
export function inputsFromObject(obj: BpfObject, strictAlignment: boolean): VerifyInput[] {
  const { maps, mapIndex, dataIndex, kconfig } = mapTable(obj);
  return obj.programs
    .filter((p) => p.role === 'entry')
    .map((entry) => {
      if (!entry.kind) {
        throw new ObjectInputError(`${obj.source}: program ${entry.name}: section ${entry.section} names no program type libbpf knows`);
      }
      const linked = linkProgram(obj, entry.name);
      const fail = (message: string): never => {
        throw new ObjectInputError(`${obj.source}: program ${entry.name}: ${message}`);
      };
      const { insns } = linked;
      const view = new DataView(insns.buffer);
      // The loader's part, with map table indexes where libbpf would put fds (verifier/input.ts).
      const point = (insn: number, src: number, index: number, offset?: number) => {
        insns[insn * 8 + 1] = (insns[insn * 8 + 1]! & 0x0f) | (src << 4);
        view.setInt32(insn * 8 + 4, index, true);
        if (offset !== undefined) view.setInt32(insn * 8 + 12, offset, true);
      };
      for (const r of linked.externRefs) {
        const offset = kconfig?.offsets.get(r.symbol) ?? fail(`extern symbol ${r.symbol} cannot be resolved (only .kconfig externs are)`);
        point(r.insn, pseudoSrc.MAP_VALUE, kconfig!.index, offset);
      }
      for (const r of linked.mapRefs) point(r.insn, pseudoSrc.MAP_FD, mapIndex.get(r.map) ?? fail(`map ${r.map} is not in .maps`));
      for (const r of linked.dataRefs) {
        point(r.insn, pseudoSrc.MAP_VALUE, dataIndex.get(r.section) ?? fail(`data section ${r.section} is empty or missing`), r.offset);
      }
      const lineInfo: LineInfo[] = linked.lineInfo.map((l) => ({ insn: l.insn, file: l.file, line: l.line, col: l.col, text: l.text }));
      const globalFuncs: GlobalFunc[] = linked.functions.slice(1).flatMap(({ program, start }) => {
        const g = objectGlobalFunc(obj, program, entry.kind!.progType);
        return g ? [{ insn: start, ...g }] : [];
      });
      return {
        name: `${entry.section}/${entry.name}`,
        progType: entry.kind.progType,
        attachType: entry.kind.attachType,
        insns,
        maps,
        strictAlignment,
        lineInfo,
        license: obj.license,
        ...(globalFuncs.length ? { globalFuncs } : {}),
      };
    });
}

/** Reads an ELF object's bytes and returns its programs as verifier inputs. */
export function inputsFromElf(bytes: Uint8Array, source: string, strictAlignment: boolean): VerifyInput[] {
  return inputsFromObject(readBpfObject(bytes, source), strictAlignment);
}
