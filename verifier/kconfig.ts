// `.kconfig` externs (`extern u32 LINUX_KERNEL_VERSION __kconfig;`): libbpf fills one read-only
// array map with the node's kernel configuration and points each extern into it. Here each gets
// a slot of its BTF size, naturally aligned; the values stay unknown (they are the node's).

import type { BpfObject } from '../format/bpf-object.ts';
import { btfSizeOf, btfType } from '../format/btf-read.ts';

export interface KconfigLayout {
  /** Byte offset of each extern in the map's value. */
  offsets: Map<string, number>;
  /** The value's size (at least 1: the kernel refuses empty values). */
  size: number;
}

/** The layout of the object's `.kconfig` externs, or undefined when it has none. */
export function kconfigMap(obj: BpfObject): KconfigLayout | undefined {
  const btf = obj.btf?.parsed;
  const sec = btf?.types.find((t) => t?.kind === 'DATASEC' && t.name === '.kconfig');
  if (!btf || !sec || sec.kind !== 'DATASEC' || sec.vars.length === 0) return undefined;
  const offsets = new Map<string, number>();
  let size = 0;
  for (const v of sec.vars) {
    const variable = btfType(btf, v.type);
    if (variable.kind !== 'VAR') continue;
    const bytes = btfSizeOf(btf, variable.type);
    const align = Math.min(8, bytes & -bytes || 1);
    size = Math.ceil(size / align) * align;
    offsets.set(variable.name, size);
    size += bytes;
  }
  return { offsets, size: Math.max(size, 1) };
}
