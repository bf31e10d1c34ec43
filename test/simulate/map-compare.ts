// Map side effects compared between the kernel and the simulator, map by map and generically by
// map type: whatever maps an object declares, each is read on both sides the way its type is
// read (hash and LRU maps by BPF_MAP_LOOKUP_BATCH pages, tries key by key, per-CPU values
// summed over CPUs, arrays whole, absent keys of an array being zeroes; socket-local storage
// socket by socket, by fd in the kernel and by cookie in the simulator, for the sockets the
// caller has open). A map type neither listed here nor simulated is named in `uncompared`, not
// silently passed over.
//
// Two depths: every entry of every map (checkpoints), and single entries: those a run changed
// on the simulator's side (its map operations' log: updates, deletes, and lookups whose value was
// written through the pointer afterwards). An entry the kernel changed and the simulator did not
// shows at the next checkpoint.

import { mapTypes } from '../../format/bpf-uapi.ts';
import { mapLookup, mapLookupBatch, mapNextKey } from '../../runtime/sys/bpf-map.ts';
import { SyscallError } from '../../runtime/sys/syscall.ts';
import { possibleCpuCount } from '../../runtime/map.ts';
import type { MapOp } from '../../simulate/env.ts';
import type { SimMap } from '../../simulate/maps/map.ts';

export interface ComparedMap {
  name: string;
  mapType: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
}

const percpu = new Set<number>([mapTypes.percpu_hash, mapTypes.percpu_array, mapTypes.lru_percpu_hash]);
const arrays = new Set<number>([mapTypes.array, mapTypes.percpu_array]);
const batched = new Set<number>([mapTypes.hash, mapTypes.lru_hash, mapTypes.percpu_hash, mapTypes.lru_percpu_hash, mapTypes.array, mapTypes.percpu_array]);
const readable = new Set<number>([...batched, mapTypes.lpm_trie]);
const socketKeyed = mapTypes.sk_storage;

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** The entries a run changed on the simulator's side, from its map operations. */
export function changedEntries(ops: readonly MapOp[], sim: ReadonlyMap<string, SimMap>): Array<{ map: string; key: Uint8Array }> {
  return ops.filter((o) => {
    if (o.op !== 'lookup') return true;
    if (!o.value) return false;
    const now = sim.get(o.map)!.get(o.key);
    return !now || Buffer.compare(now, o.value) !== 0;
  });
}

export interface MapComparer {
  /** Maps of a type this file cannot read on both sides. */
  readonly uncompared: string[];
  /** The kernel's entries of a map, as hex key → hex value. */
  kernelEntries(name: string): Map<string, string>;
  /** Lines naming every entry that differs (all maps, or `only`). */
  compareAll(only?: Iterable<string>): string[];
  /** The same for single entries. */
  compareEntries(entries: Iterable<{ map: string; key: Uint8Array }>): string[];
}

/** The caller's open sockets: fd by cookie (the simulator names a socket by its cookie). */
export type OpenSockets = () => ReadonlyMap<bigint, number>;

/** A socket's cookie as the simulator keys its storage: 8 bytes, little-endian. */
export function cookieKey(cookie: bigint): Uint8Array {
  const key = new Uint8Array(8);
  new DataView(key.buffer).setBigUint64(0, cookie, true);
  return key;
}

export function mapComparer(defs: readonly ComparedMap[], fds: ReadonlyMap<string, number>, sim: ReadonlyMap<string, SimMap>, sockets?: OpenSockets): MapComparer {
  const cpus = possibleCpuCount();
  const byName = new Map(defs.map((d) => [d.name, d]));
  const compared = defs.filter((d) => (readable.has(d.mapType) || (d.mapType === socketKeyed && sockets)) && sim.has(d.name) && fds.has(d.name));
  const userSize = (d: ComparedMap) => (percpu.has(d.mapType) ? ((d.valueSize + 7) & ~7) * cpus : d.valueSize);
  // Per-CPU counters mean something summed (a run may move between CPUs); 8-byte fields.
  const value = (d: ComparedMap, raw: Uint8Array): Uint8Array => {
    if (!percpu.has(d.mapType)) return raw;
    const stride = (d.valueSize + 7) & ~7;
    const sum = new Uint8Array(d.valueSize);
    const out = new DataView(sum.buffer);
    const src = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let c = 0; c < cpus; c++) for (let o = 0; o + 8 <= d.valueSize; o += 8) out.setBigUint64(o, BigInt.asUintN(64, out.getBigUint64(o, true) + src.getBigUint64(c * stride + o, true)), true);
    return sum;
  };
  const one = (d: ComparedMap, key: Uint8Array): Uint8Array | undefined => {
    const v = new Uint8Array(userSize(d));
    return mapLookup(fds.get(d.name)!, key, v) ? value(d, v) : undefined;
  };
  /** The kernel's key for the simulator's: a socket's storage is looked up by its fd; undefined once it is closed. */
  const kernelKey = (d: ComparedMap, simKey: Uint8Array): Uint8Array | undefined => {
    if (d.mapType !== socketKeyed) return simKey;
    const fd = sockets!().get(new DataView(simKey.buffer, simKey.byteOffset, 8).getBigUint64(0, true));
    if (fd === undefined) return undefined;
    const key = new Uint8Array(4);
    new DataView(key.buffer).setInt32(0, fd, true);
    return key;
  };
  const kernelAll = (d: ComparedMap): Map<string, string> => {
    const out = new Map<string, string>();
    const fd = fds.get(d.name)!;
    if (d.mapType === socketKeyed) {
      // Without the caller's sockets nothing can be read (the packet tests hold none).
      for (const cookie of sockets?.().keys() ?? []) {
        const v = one(d, kernelKey(d, cookieKey(cookie))!);
        if (v) out.set(hex(cookieKey(cookie)), hex(v));
      }
      return out;
    }
    if (!batched.has(d.mapType)) {
      let key: Uint8Array | null = null;
      const next = new Uint8Array(d.keySize);
      while (mapNextKey(fd, key, next)) {
        key = next.slice();
        const v = one(d, key);
        if (v) out.set(hex(key), hex(v));
      }
      return out;
    }
    const vs = userSize(d);
    let max = Math.min(d.maxEntries, 4096);
    let position: Uint8Array | null = null;
    for (;;) {
      const keys = new Uint8Array(max * d.keySize);
      const values = new Uint8Array(max * vs);
      let page;
      try {
        page = mapLookupBatch(fd, position, Math.max(d.keySize, 8), keys, values, max);
      } catch (e) {
        // A hash bucket holds more entries than the page has room for.
        if (e instanceof SyscallError && e.code === 'ENOSPC') {
          max *= 2;
          continue;
        }
        throw e;
      }
      for (let i = 0; i < page.count; i++) out.set(hex(keys.subarray(i * d.keySize, (i + 1) * d.keySize)), hex(value(d, values.subarray(i * vs, (i + 1) * vs))));
      if (!page.next) return out;
      position = page.next;
    }
  };
  return {
    uncompared: defs.filter((d) => !compared.includes(d)).map((d) => `${d.name} (type ${d.mapType})`),
    kernelEntries: (name) => kernelAll(byName.get(name)!),
    compareAll(only) {
      const wanted = only ? new Set(only) : undefined;
      const out: string[] = [];
      for (const d of compared) {
        if (wanted && !wanted.has(d.name)) continue;
        const k = kernelAll(d);
        let s = new Map(sim.get(d.name)!.entries().map((e) => [hex(e.key), hex(e.value)]));
        // A closed socket's storage is gone from the kernel, where nothing can read it.
        if (d.mapType === socketKeyed) s = new Map([...s].filter(([key]) => kernelKey(d, Buffer.from(key, 'hex'))));
        for (const [key, v] of k) if (s.get(key) !== v) out.push(`${d.name} ${key}: kernel ${v}, wasm ${s.get(key) ?? 'absent'}`);
        if (!arrays.has(d.mapType)) for (const [key, v] of s) if (!k.has(key)) out.push(`${d.name} ${key}: kernel absent, wasm ${v}`);
      }
      return out;
    },
    compareEntries(entries) {
      const out: string[] = [];
      const seen = new Set<string>();
      for (const { map, key } of entries) {
        const d = byName.get(map);
        if (!d || !compared.includes(d)) continue;
        const id = `${map} ${hex(key)}`;
        if (seen.has(id)) continue;
        seen.add(id);
        const kkey = kernelKey(d, key);
        if (!kkey) continue;
        const k = one(d, kkey);
        const s = sim.get(map)!.get(key);
        if ((k && hex(k)) !== (s && hex(s))) out.push(`${id}: kernel ${k ? hex(k) : 'absent'}, wasm ${s ? hex(s) : 'absent'}`);
      }
      return out;
    },
  };
}
