import test from 'ava';
import { diffIsEmpty, diffLive, diffRecords, keyAt, mergeLayers, type Records } from '../../runtime/records.ts';
import { decodeMapContentsPacked, encodeMapContents, encodeMapContentsPacked } from '../../format/map-contents.ts';

/** Records with 2-byte big-endian keys (so byte order is numeric order) and 1-byte values. */
function recs(pairs: Array<[number, number]>): Records {
  const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
  const bytes = new Uint8Array(sorted.length * 3);
  sorted.forEach(([k, v], i) => bytes.set([k >> 8, k & 255, v], i * 3));
  return { keySize: 2, valueSize: 1, count: sorted.length, bytes };
}
const keys = (l: { entries(): ReadonlyArray<readonly [Uint8Array, Uint8Array]> }) =>
  l.entries().map(([k, v]) => `${(k[0]! << 8) | k[1]!}=${v[0]}`);

test('layers merge with later entries winning', (t) => {
  const m = mergeLayers([recs([[1, 1], [2, 2], [5, 5]]), recs([[2, 20], [3, 30]])]);
  t.deepEqual(Array.from({ length: m.count }, (_, i) => keyAt(m, i)[1]), [1, 2, 3, 5]);
  t.deepEqual([...m.bytes], [0, 1, 1, 0, 2, 20, 0, 3, 30, 0, 5, 5]);
});

test('a diff finds added, changed and removed keys, and nothing for equal sets', (t) => {
  const a = recs([[1, 1], [2, 2], [3, 3], [9, 9]]);
  const b = recs([[1, 1], [2, 22], [4, 4], [9, 9]]);
  const d = diffRecords(a, b);
  t.deepEqual(keys(d.added), ['4=4']);
  t.deepEqual(keys(d.changed), ['2=22']);
  t.deepEqual(keys(d.previous), ['2=2']);
  t.deepEqual(keys(d.removed), ['3=3']);
  t.true(diffIsEmpty(diffRecords(a, a)));
  t.deepEqual(keys(diffRecords(recs([]), a).added), ['1=1', '2=2', '3=3', '9=9']);
  t.deepEqual(keys(diffRecords(a, recs([])).removed), ['1=1', '2=2', '3=3', '9=9']);
});

test('a one-record change in a large set is found past the common head and tail', (t) => {
  const n = 50000;
  const big = Array.from({ length: n }, (_, i) => [i, i & 255] as [number, number]);
  const changed = big.map(([k, v]) => [k, k === 31337 ? 7 : v] as [number, number]);
  changed.push([n + 1, 1]);
  const d = diffRecords(recs(big.slice(0, n)), recs(changed));
  t.deepEqual(keys(d.changed), ['31337=7']);
  t.deepEqual(keys(d.added), [`${n + 1}=1`]);
  t.is(d.removed.count, 0);
});

test('a live diff agrees with the sorted diff on unsorted kernel output', (t) => {
  const to = recs([[1, 1], [2, 22], [4, 4]]);
  // live holds 3, 2, 1 in hash order
  const liveKeys = new Uint8Array([0, 3, 0, 2, 0, 1]);
  const liveValues = new Uint8Array([3, 2, 1]);
  const d = diffLive(liveKeys, liveValues, 3, to);
  t.deepEqual(keys(d.added), ['4=4']);
  t.deepEqual(keys(d.changed), ['2=22']);
  t.deepEqual(keys(d.previous), ['2=2']);
  t.deepEqual(keys(d.removed), ['3=3']);
});

test('packed map contents read what the entry encoder wrote, and write it back identically', (t) => {
  const bytes = encodeMapContents({
    map: 'lb4_backends', keySize: 2, valueSize: 1,
    entries: [{ key: new Uint8Array([0, 2]), value: new Uint8Array([20]) }, { key: new Uint8Array([0, 1]), value: new Uint8Array([10]) }],
  });
  const p = decodeMapContentsPacked(bytes);
  t.is(p.map, 'lb4_backends');
  t.is(p.count, 2);
  t.deepEqual([...p.records], [0, 1, 10, 0, 2, 20]);
  t.deepEqual([...encodeMapContentsPacked(p)], [...bytes]);
  t.throws(() => decodeMapContentsPacked(bytes.subarray(0, bytes.length - 1)), { message: /expected/ });
});
