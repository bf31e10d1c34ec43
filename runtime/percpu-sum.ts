// Per-CPU maps as `dump` shows them: counters kept per CPU (the datapath's lb_stats) mean
// something only summed, so each integer field of the value is added up over every CPU. Values
// without a struct of integers in BTF stay CPU 0's, as the rest of the runtime reads them.

import { btfSizeOf, btfType, skipModifiers } from '../format/btf-read.ts';
import type { Btf } from '../format/bpf-object-btf.ts';
import { possibleCpuCount, type LiveMap } from './map.ts';
import { mapLookup } from './sys/bpf-map.ts';

/** The integer fields (offset, size) of BTF type `id`, or undefined when it is not all integers. */
function integerFields(btf: Btf, id: number): Array<{ off: number; size: number }> | undefined {
  const t = btfType(btf, skipModifiers(btf, id));
  if (t.kind === 'INT') return [{ off: 0, size: t.size }];
  if (t.kind !== 'STRUCT') return undefined;
  const out: Array<{ off: number; size: number }> = [];
  for (const m of t.members) {
    if (m.bitfieldSize) return undefined;
    const inner = btfType(btf, skipModifiers(btf, m.type));
    if (inner.kind !== 'INT') return undefined;
    out.push({ off: m.bitOffset / 8, size: btfSizeOf(btf, m.type) });
  }
  return out;
}

/**
 * The value of `key` with every integer field summed over the CPUs (wrapping at the field's
 * width), or undefined when the value's type is not a struct of integers.
 */
export function sumOverCpus(m: LiveMap, btf: Btf, valueTypeId: number, key: Uint8Array): Uint8Array | undefined {
  const fields = integerFields(btf, valueTypeId);
  if (!fields) return undefined;
  const cpus = possibleCpuCount();
  const slot = (m.valueSize + 7) & ~7;
  const all = new Uint8Array(slot * cpus);
  if (!mapLookup(m.fd, key, all)) return undefined;
  const view = new DataView(all.buffer);
  const out = new Uint8Array(m.valueSize);
  const o = new DataView(out.buffer);
  for (const f of fields) {
    let sum = 0n;
    for (let c = 0; c < cpus; c++) sum += readUint(view, c * slot + f.off, f.size);
    writeUint(o, f.off, f.size, sum & ((1n << BigInt(8 * f.size)) - 1n));
  }
  return out;
}

function readUint(v: DataView, off: number, size: number): bigint {
  switch (size) {
    case 1:
      return BigInt(v.getUint8(off));
    case 2:
      return BigInt(v.getUint16(off, true));
    case 4:
      return BigInt(v.getUint32(off, true));
    default:
      return v.getBigUint64(off, true);
  }
}

function writeUint(v: DataView, off: number, size: number, x: bigint): void {
  if (size === 1) v.setUint8(off, Number(x));
  else if (size === 2) v.setUint16(off, Number(x), true);
  else if (size === 4) v.setUint32(off, Number(x), true);
  else v.setBigUint64(off, x, true);
}
