import { kernelTest } from '../helpers/kernel.ts';
import { LiveMap } from '../../runtime/map.ts';
import { MapType } from '../../runtime/sys/bpf.ts';
import type { MapDef } from '../../runtime/object.ts';

const def = (over: Partial<MapDef> = {}): MapDef => ({ name: 'sy_t', type: MapType.HASH, keySize: 4, valueSize: 8, maxEntries: 16, flags: 0, ...over });

function packed(n: number, keySize: number, valueSize: number, base = 0) {
  const keys = new Uint8Array(n * keySize);
  const values = new Uint8Array(n * valueSize);
  const kv = new DataView(keys.buffer);
  const vv = new DataView(values.buffer);
  for (let i = 0; i < n; i++) {
    kv.setUint32(i * keySize, i + base, true);
    vv.setUint32(i * valueSize, (i + base) * 10, true);
  }
  return { keys, values };
}

kernelTest('a hash map takes a batch, reads back whole, and deletes in a batch', (t) => {
  const m = LiveMap.create(def({ maxEntries: 5000 }));
  t.teardown(() => m.close());
  const { keys, values } = packed(3000, 4, 8);
  m.writeMany(keys, values, 3000);
  const all = m.readAll();
  t.is(all.count, 3000);
  // Read in pages that start small and grow: every key once, none lost at a page's edge.
  const read = new Set(Array.from({ length: all.count }, (_, i) => new DataView(all.keys.buffer, all.keys.byteOffset).getUint32(i * 4, true)));
  t.is(read.size, 3000);
  t.true([...read].every((k) => k < 3000));
  t.deepEqual([...m.lookup(new Uint8Array([7, 0, 0, 0]))!], [70, 0, 0, 0, 0, 0, 0, 0]);
  m.deleteMany(keys.subarray(0, 1000 * 4), 1000);
  t.is(m.readAll().count, 2000);
  // Deleting keys that are already gone is not an error: a killed apply may have removed them.
  m.deleteMany(keys.subarray(0, 1500 * 4), 1500);
  t.is(m.readAll().count, 1500);
});

kernelTest('a full map fails with an error that names the map and its size', (t) => {
  const m = LiveMap.create(def({ name: 'lb4_backends', maxEntries: 4 }));
  t.teardown(() => m.close());
  const { keys, values } = packed(6, 4, 8);
  const e = t.throws(() => m.writeMany(keys, values, 6));
  t.regex(e!.message, /map lb4_backends: E2BIG: the map is full at 4 entries/);
  t.is((e as unknown as { written: number }).written, 4);
});

kernelTest('per-CPU and LPM maps work through the same calls', (t) => {
  const pc = LiveMap.create(def({ type: MapType.PERCPU_HASH }));
  t.teardown(() => pc.close());
  const { keys, values } = packed(3, 4, 8);
  pc.writeMany(keys, values, 3);
  t.deepEqual([...pc.lookup(keys.subarray(4, 8))!], [10, 0, 0, 0, 0, 0, 0, 0]);
  t.is(pc.readAll().count, 3);
  const lpm = LiveMap.create(def({ type: MapType.LPM_TRIE, keySize: 8, flags: 1 }));
  t.teardown(() => lpm.close());
  const k = new Uint8Array([24, 0, 0, 0, 10, 0, 1, 0]);
  lpm.writeMany(k, new Uint8Array(8).fill(1), 1);
  t.is(lpm.readAll().count, 1);
  lpm.deleteMany(k, 1);
  t.is(lpm.readAll().count, 0);
});

kernelTest('an array map reads back every slot', (t) => {
  const a = LiveMap.create(def({ type: MapType.ARRAY, maxEntries: 8 }));
  t.teardown(() => a.close());
  const { keys, values } = packed(2, 4, 8, 3);
  a.writeMany(keys, values, 2);
  const all = a.readAll();
  t.is(all.count, 8);
  t.true(a.isArray);
});
