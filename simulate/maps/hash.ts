// BPF_MAP_TYPE_HASH, PERCPU_HASH, LRU_HASH and LRU_PERCPU_HASH. Per-CPU maps hold one value (the
// simulated node has one CPU). A full hash map refuses a new key with E2BIG; an LRU map instead
// forgets an entry not used recently, with a reference bit set by lookups and updates and a
// second chance in insertion order (the kernel's LRU also works with reference bits, per CPU
// and in batches: which entry goes first differs, so a simulation that fills an LRU map
// forgets other flows than a kernel would).

import type { BpfMapDef } from '../../format/bpf-object.ts';
import type { SimMemory } from '../memory.ts';
import { BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, errno, keyBytes, keyString, MapError, type SimMap } from './map.ts';

interface Entry {
  at: number;
  /** Used since it last had its second chance (LRU maps). */
  ref: boolean;
}

export class HashMap implements SimMap {
  private readonly entriesByKey = new Map<string, Entry>();
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
    const e = this.entriesByKey.get(k);
    if (e === undefined) return 0;
    e.ref = true;
    return e.at;
  }

  /** Frees the first entry in insertion order not used since its last chance. */
  private evict(): void {
    for (;;) {
      const [k, e] = this.entriesByKey.entries().next().value!;
      this.entriesByKey.delete(k);
      if (!e.ref) {
        this.free.push(e.at);
        return;
      }
      e.ref = false;
      this.entriesByKey.set(k, e);
    }
  }

  update(keyAt: number, valueAt: number, flags: number): number {
    if ((flags & ~BPF_F_LOCK) > BPF_EXIST) return -errno.EINVAL;
    const k = keyString(this.mem.u8, keyAt, this.def.keySize);
    const value = this.mem.u8.slice(valueAt, valueAt + this.def.valueSize);
    return this.put(k, value, flags & ~BPF_F_LOCK);
  }

  private put(k: string, value: Uint8Array, flags: number): number {
    let e = this.entriesByKey.get(k);
    if (e !== undefined && flags === BPF_NOEXIST) return -errno.EEXIST;
    if (e === undefined && flags === BPF_EXIST) return -errno.ENOENT;
    if (e === undefined) {
      if (this.entriesByKey.size >= this.def.maxEntries) {
        if (!this.lru) return -errno.E2BIG;
        this.evict();
      }
      e = { at: this.free.pop() ?? this.mem.alloc(this.def.valueSize), ref: false };
      this.entriesByKey.set(k, e);
    } else {
      e.ref = true;
    }
    this.mem.u8.set(value, e.at);
    return 0;
  }

  delete(keyAt: number): number {
    return this.removeKey(keyString(this.mem.u8, keyAt, this.def.keySize)) ? 0 : -errno.ENOENT;
  }

  private removeKey(k: string): boolean {
    const e = this.entriesByKey.get(k);
    if (e === undefined) return false;
    this.entriesByKey.delete(k);
    this.free.push(e.at);
    return true;
  }

  private checkKey(key: Uint8Array): string {
    if (key.length !== this.def.keySize) throw new MapError(this.def.name, `key of ${key.length} bytes, the map takes ${this.def.keySize}`);
    return keyString(key, 0, key.length);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    const e = this.entriesByKey.get(this.checkKey(key));
    return e === undefined ? undefined : this.mem.bytes(e.at, this.def.valueSize);
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
    return [...this.entriesByKey].map(([k, e]) => ({ key: keyBytes(k, this.def.keySize), value: this.mem.bytes(e.at, this.def.valueSize) }));
  }
}
