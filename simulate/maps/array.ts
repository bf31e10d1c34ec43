// BPF_MAP_TYPE_ARRAY and PERCPU_ARRAY (one CPU): max_entries values side by side, all present
// from the start and zeroed; keys are u32 indexes. Elements cannot be deleted (EINVAL), and
// BPF_NOEXIST always fails (EEXIST), since every element exists. Global data sections (.data,
// .rodata, .bss) are one-element arrays, as libbpf makes them.

import type { BpfMapDef } from '../../format/bpf-object.ts';
import type { SimMemory } from '../memory.ts';
import { BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, errno, MapError, type SimMap } from './map.ts';

export class ArrayMap implements SimMap {
  /** Address of element 0. */
  readonly base: number;

  constructor(
    readonly def: BpfMapDef,
    private readonly mem: SimMemory,
  ) {
    this.base = mem.alloc(def.maxEntries * this.stride);
  }

  /** Elements are 8-byte aligned, as the kernel rounds value_size up. */
  private get stride(): number {
    return (this.def.valueSize + 7) & ~7;
  }

  get size(): number {
    return this.def.maxEntries;
  }

  private indexAt(keyAt: number): number {
    return this.mem.dv.getUint32(keyAt, true);
  }

  lookup(keyAt: number): number {
    const i = this.indexAt(keyAt);
    return i < this.def.maxEntries ? this.base + i * this.stride : 0;
  }

  update(keyAt: number, valueAt: number, flags: number): number {
    if ((flags & ~BPF_F_LOCK) > BPF_EXIST) return -errno.EINVAL;
    const i = this.indexAt(keyAt);
    if (i >= this.def.maxEntries) return -errno.E2BIG;
    if ((flags & ~BPF_F_LOCK) === BPF_NOEXIST) return -errno.EEXIST;
    this.mem.u8.copyWithin(this.base + i * this.stride, valueAt, valueAt + this.def.valueSize);
    return 0;
  }

  delete(): number {
    return -errno.EINVAL;
  }

  private index(key: Uint8Array): number {
    if (key.length !== 4) throw new MapError(this.def.name, `key of ${key.length} bytes, an array takes a 4-byte index`);
    return new DataView(key.buffer, key.byteOffset, 4).getUint32(0, true);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const i = this.index(key);
    return i < this.def.maxEntries ? this.mem.bytes(this.base + i * this.stride, this.def.valueSize) : undefined;
  }

  set(key: Uint8Array, value: Uint8Array): void {
    const i = this.index(key);
    if (i >= this.def.maxEntries) throw new MapError(this.def.name, `index ${i} is past its ${this.def.maxEntries} elements`);
    if (value.length !== this.def.valueSize) throw new MapError(this.def.name, `value of ${value.length} bytes, the map takes ${this.def.valueSize}`);
    this.mem.u8.set(value, this.base + i * this.stride);
  }

  remove(): boolean {
    return false;
  }

  entries(): Array<{ key: Uint8Array; value: Uint8Array }> {
    const out: Array<{ key: Uint8Array; value: Uint8Array }> = [];
    for (let i = 0; i < this.def.maxEntries; i++) {
      const key = new Uint8Array(4);
      new DataView(key.buffer).setUint32(0, i, true);
      out.push({ key, value: this.mem.bytes(this.base + i * this.stride, this.def.valueSize) });
    }
    return out;
  }
}
