// Map operations from BPF-TS in the kernel: hash insert-or-increment, update flags (BPF_NOEXIST
// on an existing key gives -EEXIST), delete, array maps indexed by a scalar key, LRU and per-CPU
// maps, and longest-prefix match in an LPM trie; the test reads and fills maps from user space.

import { kernelTest } from '../helpers/kernel.ts';
import { compileOk, load, mapLookup, mapUpdate } from './helpers.ts';
import { ip4 } from './packets.ts';

const source = `
interface Cmd { op: u8; _pad: u8; key: u16; val: u32; addr: be32 }
interface Out { result: i64; seen: u64 }
interface Counter { hits: u64; last: u32; _pad: u32 }
interface Prefix { prefixlen: u32; addr: be32 }
interface Route { id: u32 }

export const counters = map<u32, Counter>({ type: 'hash', maxEntries: 64 });
export const slots = map<u32, Counter>({ type: 'array', maxEntries: 8 });
export const perCpu = map<u32, Counter>({ type: 'percpu_array', maxEntries: 1 });
export const recent = map<u32, Counter>({ type: 'lru_hash', maxEntries: 16 });
export const routes = map<Prefix, Route>({ type: 'lpm_trie', maxEntries: 16, flags: BPF_F_NO_PREALLOC });

/** @section xdp */
export function maps(ctx: XdpMd): u32 {
  const c = ctx.header<Cmd>(14);
  const o = ctx.header<Out>(26);
  if (!c || !o) return XDP_ABORTED;
  const key = u32(c.key);
  switch (c.op) {
    case 1: {
      const v = counters.lookup(key);
      if (v === null) {
        o.result = counters.update(key, { hits: 1, last: c.val, _pad: 0 }, BPF_NOEXIST);
        o.seen = 1;
        return XDP_PASS;
      }
      v.hits += 1;
      v.last = c.val;
      o.result = 0;
      o.seen = v.hits;
      return XDP_PASS;
    }
    case 2:
      o.result = counters.update(key, { hits: 100, last: 0, _pad: 0 }, BPF_NOEXIST);
      return XDP_PASS;
    case 3:
      o.result = counters.delete(key);
      return XDP_PASS;
    case 4: {
      const s = slots.lookup(key);
      if (!s) {
        o.result = -1;
        return XDP_PASS;
      }
      s.hits += u64(c.val);
      o.seen = s.hits;
      o.result = 0;
      return XDP_PASS;
    }
    case 5: {
      const r = routes.lookup({ prefixlen: 32, addr: c.addr });
      o.result = r === null ? -1 : i64(r.id);
      return XDP_PASS;
    }
    case 6: {
      const p = perCpu.lookup(0);
      if (!p) return XDP_DROP;
      p.hits += 1;
      o.seen = p.hits;
      o.result = 0;
      return XDP_PASS;
    }
    case 7:
      o.result = recent.update(key, { hits: u64(c.val), last: 0, _pad: 0 });
      return XDP_PASS;
  }
  return XDP_DROP;
}
`;

function cmd(op: number, key: number, val = 0, addr = [0, 0, 0, 0]): Uint8Array {
  const p = new Uint8Array(64);
  p.set([op, 0, key & 0xff, key >> 8, val & 0xff, (val >> 8) & 0xff, (val >> 16) & 0xff, val >>> 24, ...addr], 14);
  return p;
}
const result = (d: Uint8Array) => new DataView(d.buffer, d.byteOffset).getBigInt64(26, true);
const seen = (d: Uint8Array) => new DataView(d.buffer, d.byteOffset).getBigUint64(34, true);
const le32 = (v: number) => new Uint8Array([v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >>> 24]);

kernelTest('maps: hash insert/increment, BPF_NOEXIST, delete, array, per-CPU, LRU and LPM from BPF-TS', (t) => {
  const p = load(t, compileOk(t, source));
  const fd = (n: string) => p.maps.get(n)!;

  let out = p.run(cmd(1, 7, 1234)).data;
  t.is(result(out), 0n, 'first packet inserts');
  out = p.run(cmd(1, 7, 99)).data;
  t.is(seen(out), 2n, 'second packet increments in place');
  const v = mapLookup(fd('counters'), le32(7), 16)!;
  t.is(new DataView(v.buffer).getBigUint64(0, true), 2n, 'user space sees the count');
  t.is(new DataView(v.buffer).getUint32(8, true), 99, 'and the last value written through the pointer');

  t.is(result(p.run(cmd(2, 7)).data), -17n, 'BPF_NOEXIST on an existing key: -EEXIST');
  t.is(result(p.run(cmd(2, 8)).data), 0n, 'BPF_NOEXIST on a new key: 0');
  t.is(result(p.run(cmd(3, 7)).data), 0n, 'delete an existing key');
  t.is(result(p.run(cmd(3, 7)).data), -2n, 'delete a missing key: -ENOENT');
  t.is(mapLookup(fd('counters'), le32(7), 16), undefined, 'gone from user space too');

  p.run(cmd(4, 3, 5));
  t.is(seen(p.run(cmd(4, 3, 6)).data), 11n, 'array slot 3 accumulates');
  t.is(result(p.run(cmd(4, 8, 1)).data), -1n, 'array index out of range: lookup gives null');

  mapUpdate(fd('routes'), new Uint8Array([24, 0, 0, 0, ...ip4('198.51.100.0')]), le32(24));
  mapUpdate(fd('routes'), new Uint8Array([28, 0, 0, 0, ...ip4('198.51.100.16')]), le32(28));
  t.is(result(p.run(cmd(5, 0, 0, ip4('198.51.100.20'))).data), 28n, 'LPM: the /28 wins inside it');
  t.is(result(p.run(cmd(5, 0, 0, ip4('198.51.100.200'))).data), 24n, 'LPM: the /24 elsewhere');
  t.is(result(p.run(cmd(5, 0, 0, ip4('192.0.2.1'))).data), -1n, 'LPM: no route');

  t.is(result(p.run(cmd(6, 0)).data), 0n, 'per-CPU array lookup with a constant key');
  for (let k = 0; k < 40; k++) t.is(result(p.run(cmd(7, k, k)).data), 0n, `LRU update ${k} never fails when full`);
  t.is(p.run(cmd(9, 0)).retval, 1, 'unknown op: XDP_DROP');
});
