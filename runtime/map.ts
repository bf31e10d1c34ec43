// A live BPF map: an fd with its name and geometry, and the element operations apply needs,
// batched where the kernel allows, with errors that name the map ("map lb4_backends: E2BIG ...").

import { readFileSync } from 'node:fs';
import { BPF_ANY, mapCreate, MapType } from './sys/bpf.ts';
import { BpfError, explain } from './sys/bpf-error.ts';
import { BatchError, mapDelete, mapDeleteBatch, mapLookup, mapLookupBatch, mapNextKey, mapUpdate, mapUpdateBatch } from './sys/bpf-map.ts';
import { mapInfo, objGet, objPin, type MapInfo } from './sys/bpf-obj.ts';
import { closeFd, SyscallError } from './sys/syscall.ts';
import { describeMapDef, type MapDef } from './object.ts';

const PERCPU = new Set<number>([MapType.PERCPU_HASH, MapType.PERCPU_ARRAY, MapType.LRU_PERCPU_HASH]);
const BATCHABLE = new Set<number>([
  MapType.HASH,
  MapType.ARRAY,
  MapType.PERCPU_HASH,
  MapType.PERCPU_ARRAY,
  MapType.LRU_HASH,
  MapType.LRU_PERCPU_HASH,
]);
const ARRAYS = new Set<number>([MapType.ARRAY, MapType.PERCPU_ARRAY]);
/**
 * Maps whose values live elsewhere: socket-local storage keeps each value in its socket, and the
 * kernel refuses to walk its keys (get_next_key: ENOTSUPP); userspace reaches one only by a
 * socket fd it holds.
 */
const UNLISTABLE = new Set<number>([MapType.SK_STORAGE]);

/** What status, dump and the metrics say of a map they cannot list. */
export const UNLISTABLE_NOTE = 'values live in the sockets that hold them: not listed, not managed';

let possibleCpus: number | undefined;
/** Per-CPU maps take one value per possible CPU (not online: hotplug slots count too). */
function cpuCount(): number {
  if (possibleCpus === undefined) {
    const text = readFileSync('/sys/devices/system/cpu/possible', 'utf8').trim();
    possibleCpus = text.split(',').reduce((n, part) => {
      const [a, b] = part.split('-').map(Number);
      return n + (b === undefined ? 1 : b - a! + 1);
    }, 0);
  }
  return possibleCpus;
}

/** All elements of a map, packed and in the kernel's order. */
export interface MapSnapshot {
  keys: Uint8Array;
  values: Uint8Array;
  count: number;
}

export class LiveMap {
  private constructor(
    readonly name: string,
    readonly fd: number,
    readonly info: MapInfo,
  ) {}

  static create(def: MapDef, btfFd?: number): LiveMap {
    const withBtf = btfFd !== undefined && def.btfKeyTypeId !== undefined && def.btfValueTypeId !== undefined;
    let fd: number;
    try {
      fd = mapCreate({
        type: def.type,
        keySize: def.keySize,
        valueSize: def.valueSize,
        maxEntries: def.maxEntries,
        flags: def.flags,
        name: def.name,
        ...(withBtf ? { btfFd, btfKeyTypeId: def.btfKeyTypeId, btfValueTypeId: def.btfValueTypeId } : {}),
      });
    } catch (e) {
      throw explain(e, `map ${def.name} (${describeMapDef(def)})`);
    }
    return new LiveMap(def.name, fd, mapInfo(fd));
  }

  static openPinned(path: string, name: string): LiveMap {
    let fd: number;
    try {
      fd = objGet(path);
    } catch (e) {
      throw explain(e, `map ${name} (${path})`);
    }
    try {
      return new LiveMap(name, fd, mapInfo(fd));
    } catch (e) {
      closeFd(fd);
      throw explain(e, `map ${name}`, `${path} is not a map pin; remove it (switchyard-node remove) and apply again`);
    }
  }

  /** The map pinned at `path`, or undefined when nothing is pinned there. */
  static openPinnedIfExists(path: string, name: string): LiveMap | undefined {
    try {
      return LiveMap.openPinned(path, name);
    } catch (e) {
      if (e instanceof SyscallError && e.code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Why this live map cannot serve `def` (geometry differs), or undefined when it can. */
  incompatibility(def: MapDef): string | undefined {
    const i = this.info;
    const live = describeMapDef(i);
    const want = describeMapDef(def);
    return live === want ? undefined : `pinned map is ${live}, the object wants ${want}`;
  }

  pin(path: string): void {
    try {
      objPin(this.fd, path);
    } catch (e) {
      throw explain(e, `map ${this.name}`);
    }
  }

  close(): void {
    closeFd(this.fd);
  }

  get keySize(): number {
    return this.info.keySize;
  }
  get valueSize(): number {
    return this.info.valueSize;
  }
  get maxEntries(): number {
    return this.info.maxEntries;
  }
  get isArray(): boolean {
    return ARRAYS.has(this.info.type);
  }
  /** false for maps whose entries cannot be walked (socket-local storage). */
  get listable(): boolean {
    return !UNLISTABLE.has(this.info.type);
  }

  /** Bytes per value as user space sees it: per-CPU maps hold one 8-byte-aligned slot per CPU. */
  private get userValueSize(): number {
    return PERCPU.has(this.info.type) ? ((this.info.valueSize + 7) & ~7) * cpuCount() : this.info.valueSize;
  }

  /** Per-CPU maps get the same value on every CPU; others take values as they are. */
  private spread(values: Uint8Array, count: number): Uint8Array {
    if (!PERCPU.has(this.info.type)) return values;
    const slot = (this.info.valueSize + 7) & ~7;
    const n = cpuCount();
    const out = new Uint8Array(count * slot * n);
    for (let i = 0; i < count; i++) {
      const v = values.subarray(i * this.info.valueSize, (i + 1) * this.info.valueSize);
      for (let c = 0; c < n; c++) out.set(v, (i * n + c) * slot);
    }
    return out;
  }

  /** CPU 0's value of per-CPU maps (what the contents files describe); others as they are. */
  private gather(values: Uint8Array, count: number): Uint8Array {
    if (!PERCPU.has(this.info.type)) return values;
    const slot = (this.info.valueSize + 7) & ~7;
    const stride = slot * cpuCount();
    const out = new Uint8Array(count * this.info.valueSize);
    for (let i = 0; i < count; i++) out.set(values.subarray(i * stride, i * stride + this.info.valueSize), i * this.info.valueSize);
    return out;
  }

  lookup(key: Uint8Array): Uint8Array | undefined {
    const v = new Uint8Array(this.userValueSize);
    try {
      return mapLookup(this.fd, key, v) ? this.gather(v, 1) : undefined;
    } catch (e) {
      throw explain(e, `map ${this.name}`);
    }
  }

  private full(e: SyscallError): BpfError {
    return new BpfError(
      e.op,
      `map ${this.name}`,
      e.errno,
      `the map is full at ${this.maxEntries} entries (max_entries); raise its size in the cluster spec and compile again`,
    );
  }

  /**
   * Writes `count` packed entries with BPF_MAP_UPDATE_BATCH where the map type has it, one by
   * one otherwise. Returns normally only when all went in; on failure the error says how many did.
   */
  writeMany(keys: Uint8Array, values: Uint8Array, count: number): void {
    const vals = this.spread(values, count);
    let done = 0;
    try {
      if (BATCHABLE.has(this.info.type)) {
        try {
          mapUpdateBatch(this.fd, keys, vals, count, BPF_ANY);
          return;
        } catch (e) {
          // Kernels or map flavours without batch updates answer EINVAL/ENOTSUPP before writing anything.
          if (!(e instanceof BatchError) || e.done !== 0 || !['EINVAL', 'errno 524', 'EOPNOTSUPP'].includes(e.code)) {
            if (e instanceof BatchError) done = e.done;
            throw e;
          }
        }
      }
      const vs = vals.length / Math.max(count, 1);
      for (; done < count; done++) {
        mapUpdate(this.fd, keys.subarray(done * this.keySize, (done + 1) * this.keySize), vals.subarray(done * vs, (done + 1) * vs));
      }
    } catch (e) {
      if (e instanceof SyscallError && e.code === 'E2BIG') throw Object.assign(this.full(e), { written: done });
      throw Object.assign(explain(e, `map ${this.name}`) as Error, { written: done });
    }
  }

  /** Deletes packed keys; keys already gone are fine (a killed apply may have deleted them). */
  deleteMany(keys: Uint8Array, count: number): void {
    if (this.isArray) {
      // Array slots cannot be deleted; "absent" means zeroed.
      this.writeMany(keys, new Uint8Array(count * this.valueSize), count);
      return;
    }
    try {
      if (BATCHABLE.has(this.info.type)) {
        try {
          mapDeleteBatch(this.fd, keys, count);
          return;
        } catch (e) {
          if (!(e instanceof BatchError)) throw e;
          // Stopped at a missing key or unsupported: finish one by one from where it stopped.
          for (let i = e.done; i < count; i++) mapDelete(this.fd, keys.subarray(i * this.keySize, (i + 1) * this.keySize));
          return;
        }
      }
      for (let i = 0; i < count; i++) mapDelete(this.fd, keys.subarray(i * this.keySize, (i + 1) * this.keySize));
    } catch (e) {
      throw explain(e, `map ${this.name}`);
    }
  }

  /** Every element, by BPF_MAP_LOOKUP_BATCH pages, or key by key where batches are missing. */
  readAll(): MapSnapshot {
    try {
      if (BATCHABLE.has(this.info.type)) {
        try {
          return this.readAllBatched();
        } catch (e) {
          if (!(e instanceof SyscallError) || !['EINVAL', 'errno 524', 'EOPNOTSUPP'].includes(e.code)) throw e;
        }
      }
      return this.readAllByKey();
    } catch (e) {
      throw explain(e, `map ${this.name}`);
    }
  }

  private readAllBatched(): MapSnapshot {
    const ks = this.keySize;
    const vs = this.userValueSize;
    // Pages of at most ~4 MiB (Maglev tables have 64 KiB values), and never fewer than 16
    // entries. The first page is small and each next one twice as large: most maps a scrape
    // reads hold a handful of entries in room for 100,000s, and pages sized for the room were
    // tens of MiB allocated per scrape for nothing (the agent's RSS swung with them).
    const pageCap = Math.max(16, Math.min(this.maxEntries, 65536, Math.floor((4 << 20) / (ks + vs))));
    let pageMax = Math.min(pageCap, 256);
    const keyPages: Uint8Array[] = [];
    const valuePages: Uint8Array[] = [];
    let count = 0;
    let position: Uint8Array | null = null;
    for (;;) {
      const keys = new Uint8Array(pageMax * ks);
      const values = new Uint8Array(pageMax * vs);
      let page;
      try {
        page = mapLookupBatch(this.fd, position, Math.max(ks, 8), keys, values, pageMax);
      } catch (e) {
        // A hash bucket holds more entries than the page: try again with room for them.
        if (e instanceof SyscallError && e.code === 'ENOSPC' && pageMax < this.maxEntries) {
          pageMax *= 2;
          continue;
        }
        throw e;
      }
      keyPages.push(keys.subarray(0, page.count * ks));
      valuePages.push(values.subarray(0, page.count * vs));
      count += page.count;
      if (!page.next) break;
      position = page.next;
      pageMax = Math.min(pageCap, pageMax * 2);
    }
    return { keys: Buffer.concat(keyPages), values: this.gather(Buffer.concat(valuePages), count), count };
  }

  private readAllByKey(): MapSnapshot {
    const keys: Uint8Array[] = [];
    const values: Uint8Array[] = [];
    let prev: Uint8Array | null = null;
    for (;;) {
      const next = new Uint8Array(this.keySize);
      if (!mapNextKey(this.fd, prev, next)) break;
      const v = this.lookup(next);
      if (v) {
        keys.push(next);
        values.push(v);
      }
      prev = next;
    }
    return { keys: Buffer.concat(keys), values: Buffer.concat(values), count: keys.length };
  }
}

/** The number of values a per-CPU map holds per key (possible CPUs), for readers that sum them. */
export function possibleCpuCount(): number {
  return cpuCount();
}
