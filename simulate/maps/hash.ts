// BPF_MAP_TYPE_HASH, PERCPU_HASH, LRU_HASH and LRU_PERCPU_HASH. Per-CPU maps hold one value (the
// simulated node has one CPU). A full hash map refuses a new key with E2BIG; an LRU map instead
// forgets its least recently used entry, where "used" is a lookup or an update, as the kernel's
// LRU approximates it (the kernel's eviction is per-CPU and approximate; a simulation that fills
// an LRU map sees an exact LRU).

import type { BpfMapDef } from '../../format/bpf-object.ts';
import type { SimMemory } from '../memory.ts';
import { BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, errno, keyBytes, keyString, MapError, type SimMap } from './map.ts';

export class HashMap implements SimMap {
  private readonly entriesByKey = new Map<string, number>();
  private readonly free: number[] = [];

  constructor(
    readonly def: BpfMapDef,
    private readonly mem: SimMemory,
    private readonly lru: boolean,
  ) {}

  get size(): number {
    return this.entriesByKey.size;
  }

  lookup(keyAt: number): number {
    const k = keyString(this.mem.u8, keyAt, this.def.keySize);
    const at = this.entriesByKey.get(k);
    if (at === undefined) return 0;
    if (this.lru) this.touch(k, at);
    return at;
  }

  private touch(k: string, at: number): void {
    this.entriesByKey.delete(k);
    this.entriesByKey.set(k, at);
  }

  update(keyAt: number, valueAt: number, flags: number): number {
    if ((flags & ~BPF_F_LOCK) > BPF_EXIST) return -errno.EINVAL;
    const k = keyString(this.mem.u8, keyAt, this.def.keySize);
    const value = this.mem.u8.slice(valueAt, valueAt + this.def.valueSize);
    return this.put(k, value, flags & ~BPF_F_LOCK);
  }

  private put(k: string, value: Uint8Array, flags: number): number {
    let at = this.entriesByKey.get(k);
    if (at !== undefined && flags === BPF_NOEXIST) return -errno.EEXIST;
    if (at === undefined && flags === BPF_EXIST) return -errno.ENOENT;
    if (at === undefined) {
      if (this.entriesByKey.size >= this.def.maxEntries) {
        if (!this.lru) return -errno.E2BIG;
        const oldest = this.entriesByKey.keys().next().value!;
        this.free.push(this.entriesByKey.get(oldest)!);
        this.entriesByKey.delete(oldest);
      }
      at = this.free.pop() ?? this.mem.alloc(this.def.valueSize);
      this.entriesByKey.set(k, at);
    } else if (this.lru) {
      this.touch(k, at);
    }
    this.mem.u8.set(value, at);
    return 0;
  }

  delete(keyAt: number): number {
    return this.removeKey(keyString(this.mem.u8, keyAt, this.def.keySize)) ? 0 : -errno.ENOENT;
  }

  private removeKey(k: string): boolean {
    const at = this.entriesByKey.get(k);
    if (at === undefined) return false;
    this.entriesByKey.delete(k);
    this.free.push(at);
    return true;
  }

  private checkKey(key: Uint8Array): string {
    if (key.length !== this.def.keySize) throw new MapError(this.def.name, `key of ${key.length} bytes, the map takes ${this.def.keySize}`);
    return keyString(key, 0, key.length);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const at = this.entriesByKey.get(this.checkKey(key));
    return at === undefined ? undefined : this.mem.bytes(at, this.def.valueSize);
  }

  set(key: Uint8Array, value: Uint8Array): void {
    if (value.length !== this.def.valueSize) throw new MapError(this.def.name, `value of ${value.length} bytes, the map takes ${this.def.valueSize}`);
    const rc = this.put(this.checkKey(key), value, 0);
    if (rc !== 0) throw new MapError(this.def.name, `E2BIG: all ${this.def.maxEntries} entries are taken`);
  }

  remove(key: Uint8Array): boolean {
    return this.removeKey(this.checkKey(key));
  }

  entries(): Array<{ key: Uint8Array; value: Uint8Array }> {
    return [...this.entriesByKey].map(([k, at]) => ({ key: keyBytes(k), value: this.mem.bytes(at, this.def.valueSize) }));
  }
}
