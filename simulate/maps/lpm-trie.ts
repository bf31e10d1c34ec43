// BPF_MAP_TYPE_LPM_TRIE: keys are struct bpf_lpm_trie_key (u32 prefixlen, then the data bytes).
// An update stores the prefix (bits past prefixlen do not count); a lookup finds the longest
// stored prefix that matches the key's data within the key's own prefixlen; delete removes an
// exact prefix. Stored here as one table per prefix length, tried longest first.

import type { BpfMapDef } from '../../format/bpf-object.ts';
import type { SimMemory } from '../memory.ts';
import { BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, errno, MapError, type SimMap } from './map.ts';

const ENOSPC = 28;

export class LpmTrieMap implements SimMap {
  /** prefixlen → masked data (as a string) → value address. */
  private readonly byLength = new Map<number, Map<string, number>>();
  /** Prefix lengths present, longest first. */
  private lengths: number[] = [];
  private count = 0;
  private readonly free: number[] = [];
  private readonly dataSize: number;

  constructor(
    readonly def: BpfMapDef,
    private readonly mem: SimMemory,
  ) {
    this.dataSize = def.keySize - 4;
  }

  get size(): number {
    return this.count;
  }

  /** The first `bits` bits of the data as a string, one byte a character. */
  private masked(bytes: Uint8Array, at: number, bits: number): string {
    let s = '';
    for (let i = 0; i * 8 < bits; i++) {
      const keep = bits - i * 8 >= 8 ? 0xff : (0xff00 >> (bits - i * 8)) & 0xff;
      s += String.fromCharCode(bytes[at + i]! & keep);
    }
    return s;
  }

  private static dataBytes(k: string): Uint8Array {
    return Uint8Array.from(k, (c) => c.charCodeAt(0));
  }

  private prefixLen(bytes: Uint8Array, at: number): number {
    return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
  }

  private find(bytes: Uint8Array, at: number): number {
    const limit = this.prefixLen(bytes, at) >>> 0;
    for (const len of this.lengths) {
      if (len > limit) continue;
      const hit = this.byLength.get(len)!.get(this.masked(bytes, at + 4, len));
      if (hit !== undefined) return hit;
    }
    return 0;
  }

  lookup(keyAt: number): number {
    return this.find(this.mem.u8, keyAt);
  }

  private put(bytes: Uint8Array, at: number, value: Uint8Array, flags: number): number {
    const len = this.prefixLen(bytes, at) >>> 0;
    if (len > this.dataSize * 8) return -errno.EINVAL;
    const k = this.masked(bytes, at + 4, len);
    let table = this.byLength.get(len);
    let slot = table?.get(k);
    if (slot !== undefined && flags === BPF_NOEXIST) return -errno.EEXIST;
    if (slot === undefined && flags === BPF_EXIST) return -errno.ENOENT;
    if (slot === undefined) {
      if (this.count >= this.def.maxEntries) return -ENOSPC;
      if (!table) {
        table = new Map();
        this.byLength.set(len, table);
        this.lengths = [...this.byLength.keys()].sort((a, b) => b - a);
      }
      slot = this.free.pop() ?? this.mem.alloc(this.def.valueSize);
      table.set(k, slot);
      this.count++;
    }
    this.mem.u8.set(value, slot);
    return 0;
  }

  update(keyAt: number, valueAt: number, flags: number): number {
    if ((flags & ~BPF_F_LOCK) > BPF_EXIST) return -errno.EINVAL;
    return this.put(this.mem.u8, keyAt, this.mem.u8.slice(valueAt, valueAt + this.def.valueSize), flags & ~BPF_F_LOCK);
  }

  private remove_(bytes: Uint8Array, at: number): boolean {
    const len = this.prefixLen(bytes, at) >>> 0;
    const table = this.byLength.get(len);
    const k = this.masked(bytes, at + 4, len);
    const slot = table?.get(k);
    if (slot === undefined) return false;
    table!.delete(k);
    this.free.push(slot);
    this.count--;
    return true;
  }

  delete(keyAt: number): number {
    return this.remove_(this.mem.u8, keyAt) ? 0 : -errno.ENOENT;
  }

  private check(key: Uint8Array): void {
    if (key.length !== this.def.keySize) throw new MapError(this.def.name, `key of ${key.length} bytes, the map takes ${this.def.keySize}`);
  }

  get(key: Uint8Array): Uint8Array | undefined {
    this.check(key);
    const at = this.find(key, 0);
    return at ? this.mem.bytes(at, this.def.valueSize) : undefined;
  }

  set(key: Uint8Array, value: Uint8Array): void {
    this.check(key);
    const rc = this.put(key, 0, value, 0);
    if (rc !== 0) throw new MapError(this.def.name, rc === -ENOSPC ? `ENOSPC: all ${this.def.maxEntries} entries are taken` : `prefix length past the key's ${this.dataSize * 8} bits`);
  }

  remove(key: Uint8Array): boolean {
    this.check(key);
    return this.remove_(key, 0);
  }

  entries(): Array<{ key: Uint8Array; value: Uint8Array }> {
    const out: Array<{ key: Uint8Array; value: Uint8Array }> = [];
    for (const len of this.lengths) {
      for (const [k, at] of this.byLength.get(len)!) {
        const key = new Uint8Array(this.def.keySize);
        new DataView(key.buffer).setUint32(0, len, true);
        key.set(LpmTrieMap.dataBytes(k), 4);
        out.push({ key, value: this.mem.bytes(at, this.def.valueSize) });
      }
    }
    return out;
  }
}
