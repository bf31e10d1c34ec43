// `switchyard-node dump [MAP]`: a node's live map entries as text, sorted by key, decoded with
// the BTF the map was created with (the object's types), hex where the map has none.

import { fromPinSafe, type PinLayout } from './pins.ts';
import { LiveMap, UNLISTABLE_NOTE } from './map.ts';
import { compareBytes } from '../format/map-contents.ts';
import { parseBtf } from '../format/btf-read.ts';
import type { Btf } from '../format/bpf-object-btf.ts';
import { btfBytes, fdById } from './sys/bpf-obj.ts';
import { isDenied } from './sys/capabilities.ts';
import { closeFd } from './sys/syscall.ts';
import { formatBtfValue, hex } from './btf-format.ts';
import { describeMapDef } from './object.ts';
import { sumOverCpus } from './percpu-sum.ts';
import { MapType } from './sys/bpf.ts';

/** The map's BTF, or why the entries are shown in hex (as the header line's tail). */
export function mapBtf(m: LiveMap): { btf?: Btf; hexBecause: string } {
  if (!m.info.btfId || !m.info.btfKeyTypeId || !m.info.btfValueTypeId) return { hexBecause: ', no BTF: hex' };
  try {
    const fd = fdById('btf', m.info.btfId);
    try {
      return { btf: parseBtf(btfBytes(fd)), hexBecause: '' };
    } finally {
      closeFd(fd);
    }
  } catch (e) {
    // The kernel opens BTF by id only for CAP_SYS_ADMIN: say so rather than pretend there is none.
    if (isDenied(e)) return { hexBecause: `, BTF not readable (${(e as { code: string }).code}: opening BTF by id needs CAP_SYS_ADMIN; run as root): hex` };
    return { hexBecause: ', no BTF: hex' };
  }
}

export function dumpMaps(pins: PinLayout, only?: string): string[] {
  const names = pins.list(pins.mapsDir).map(fromPinSafe).filter((n) => !n.endsWith('@next'));
  if (only !== undefined && !names.includes(only)) {
    throw new Error(`node ${pins.node} has no map ${only}; its maps: ${names.join(', ') || 'none (nothing applied)'}`);
  }
  const lines: string[] = [];
  for (const name of only !== undefined ? [only] : names) {
    const m = LiveMap.openPinned(pins.map(name), name);
    try {
      if (!m.listable) {
        lines.push(`map ${name} (${describeMapDef(m.info)}): ${UNLISTABLE_NOTE}`);
        continue;
      }
      const { btf, hexBecause } = mapBtf(m);
      const all = m.readAll();
      const order = Array.from({ length: all.count }, (_, i) => i);
      const key = (i: number) => all.keys.subarray(i * m.keySize, (i + 1) * m.keySize);
      const value = (i: number) => all.values.subarray(i * m.valueSize, (i + 1) * m.valueSize);
      order.sort((a, b) => compareBytes(key(a), key(b)));
      const shown = m.isArray ? order.filter((i) => value(i).some((b) => b !== 0)) : order;
      // Per-CPU counters mean something only summed over the CPUs.
      const perCpu = btf && (m.info.type === MapType.PERCPU_HASH || m.info.type === MapType.PERCPU_ARRAY || m.info.type === MapType.LRU_PERCPU_HASH);
      const summed = (i: number): Uint8Array => (perCpu && sumOverCpus(m, btf, m.info.btfValueTypeId, key(i))) || value(i);
      lines.push(`map ${name} (${describeMapDef(m.info)}): ${shown.length} entries${hexBecause}${perCpu ? ', values summed over the CPUs' : ''}`);
      for (const i of shown) {
        const k = btf ? formatBtfValue(btf, m.info.btfKeyTypeId, key(i)) : hex(key(i));
        const v = btf ? formatBtfValue(btf, m.info.btfValueTypeId, summed(i)) : hex(value(i));
        lines.push(`  ${k} → ${v}`);
      }
    } finally {
      m.close();
    }
  }
  return lines;
}
