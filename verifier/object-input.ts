// From a BPF ELF object (ours or clang's, read by runtime/format/elf-read.ts) to one verifier
// input per entry program: subprograms appended after the program as libbpf does, map and data
// references turned into indexes of the map table, line info kept for messages.

import { readBpfObject } from '../runtime/format/elf-read.ts';
import type { BpfObject, BpfProgram, BpfRelocation } from '../runtime/format/bpf-object.ts';
import { BPF_F_RDONLY_PROG } from '../runtime/format/bpf-uapi.ts';
import { objectGlobalFunc } from './global-funcs.ts';
import type { GlobalFunc, LineInfo, MapDesc, VerifyInput } from './input.ts';
import { kconfigMap, type KconfigLayout } from './kconfig.ts';
import { unrelocatedCalls } from './local-calls.ts';
import { mapValueFields } from './map-fields.ts';

const MAP_ARRAY = 2;
const PSEUDO_MAP_FD = 1;
const PSEUDO_MAP_VALUE = 2;
const PSEUDO_FUNC = 4;

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
  const byName = new Map(obj.programs.map((p) => [p.name, p]));
  return obj.programs
    .filter((p) => p.role === 'entry')
    .map((entry) => {
      if (!entry.kind) {
        throw new ObjectInputError(`${obj.source}: program ${entry.name}: section ${entry.section} names no program type libbpf knows`);
      }
      const order: BpfProgram[] = [entry];
      const start = new Map<string, number>([[entry.name, 0]]);
      // Relocations plus the calls clang resolved itself within a section (local-calls.ts).
      const links = new Map<BpfProgram, BpfRelocation[]>();
      const linksOf = (p: BpfProgram): BpfRelocation[] => {
        let l = links.get(p);
        if (!l) {
          l = [...p.relocations, ...unrelocatedCalls(p, obj.programs, (m) => {
            throw new ObjectInputError(`${obj.source}: program ${entry.name}: ${m}`);
          })];
          links.set(p, l);
        }
        return l;
      };
      let slots = entry.insns.length / 8;
      for (let i = 0; i < order.length; i++) {
        for (const r of linksOf(order[i]!)) {
          if (r.kind === 'extern' && !kconfig?.offsets.has(r.symbol)) {
            throw new ObjectInputError(`${obj.source}: program ${entry.name}: extern symbol ${r.symbol} cannot be resolved (only .kconfig externs are)`);
          }
          if ((r.kind === 'call' || r.kind === 'func') && !start.has(r.function)) {
            const fn = byName.get(r.function);
            if (!fn) throw new ObjectInputError(`${obj.source}: program ${entry.name} calls ${r.function}, which the object does not define`);
            start.set(fn.name, slots);
            slots += fn.insns.length / 8;
            order.push(fn);
          }
        }
      }
      const insns = new Uint8Array(slots * 8);
      const view = new DataView(insns.buffer);
      const lineInfo: LineInfo[] = [];
      const globalFuncs: GlobalFunc[] = [];
      for (const p of order) {
        const base = start.get(p.name)!;
        insns.set(p.insns, base * 8);
        for (const r of linksOf(p)) {
          const at = (base + r.insn) * 8;
          if (r.kind === 'map') {
            const idx = mapIndex.get(r.map);
            if (idx === undefined) throw new ObjectInputError(`${obj.source}: program ${entry.name}: map ${r.map} is not in .maps`);
            insns[at + 1] = (insns[at + 1]! & 0x0f) | (PSEUDO_MAP_FD << 4);
            view.setInt32(at + 4, idx, true);
          } else if (r.kind === 'data') {
            const idx = dataIndex.get(r.section);
            if (idx === undefined) throw new ObjectInputError(`${obj.source}: program ${entry.name}: data section ${r.section} is empty or missing`);
            insns[at + 1] = (insns[at + 1]! & 0x0f) | (PSEUDO_MAP_VALUE << 4);
            view.setInt32(at + 4, idx, true);
            view.setInt32(at + 12, r.offset, true);
          } else if (r.kind === 'extern') {
            insns[at + 1] = (insns[at + 1]! & 0x0f) | (PSEUDO_MAP_VALUE << 4);
            view.setInt32(at + 4, kconfig!.index, true);
            view.setInt32(at + 12, kconfig!.offsets.get(r.symbol)!, true);
          } else if (r.kind === 'call' || r.kind === 'func') {
            view.setInt32(at + 4, start.get(r.function)! + r.functionInsn - (base + r.insn + 1), true);
            if (r.kind === 'func') insns[at + 1] = (insns[at + 1]! & 0x0f) | (PSEUDO_FUNC << 4);
          }
        }
        for (const l of p.lineInfo) lineInfo.push({ insn: base + l.insn, file: l.file, line: l.line, col: l.col, text: l.text });
        const g = p === entry ? undefined : objectGlobalFunc(obj, p, entry.kind.progType);
        if (g) globalFuncs.push({ insn: base, ...g });
      }
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
