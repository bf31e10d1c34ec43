// Packed map records (key bytes then value bytes, fixed sizes, sorted by key) and the two
// operations apply needs on them: merging layered files and diffing old against new. Kept packed
// in one buffer because 100,000s of tiny Uint8Arrays would cost more than the syscalls.

import { compareBytes } from '../format/map-contents.ts';

export interface Records {
  keySize: number;
  valueSize: number;
  count: number;
  /** count × (key, value), sorted by key bytes, no key twice. */
  bytes: Uint8Array;
}

export function recordSize(r: Pick<Records, 'keySize' | 'valueSize'>): number {
  return r.keySize + r.valueSize;
}

export function keyAt(r: Records, i: number): Uint8Array {
  const off = i * (r.keySize + r.valueSize);
  return r.bytes.subarray(off, off + r.keySize);
}

export function valueAt(r: Records, i: number): Uint8Array {
  const off = i * (r.keySize + r.valueSize) + r.keySize;
  return r.bytes.subarray(off, off + r.valueSize);
}

export function emptyRecords(keySize: number, valueSize: number): Records {
  return { keySize, valueSize, count: 0, bytes: new Uint8Array(0) };
}

/**
 * Collects records in any order, packed as they come (no object per record: an initial apply
 * pushes 100,000s), then splits them into keys and values for the batch syscalls.
 */
export class RecordList {
  private buf: Uint8Array;
  private n = 0;
  private readonly size: number;
  constructor(
    readonly keySize: number,
    readonly valueSize: number,
    capacity = 16,
  ) {
    this.size = keySize + valueSize;
    this.buf = new Uint8Array(capacity * this.size);
  }
  /** All records of `r`, in its order, without copying them. */
  static of(r: Records): RecordList {
    const l = new RecordList(r.keySize, r.valueSize, 0);
    l.buf = r.bytes;
    l.n = r.count;
    return l;
  }
  push(key: Uint8Array, value: Uint8Array): void {
    if ((this.n + 1) * this.size > this.buf.length) {
      const bigger = new Uint8Array(Math.max(16, this.n * 2) * this.size);
      bigger.set(this.buf.subarray(0, this.n * this.size));
      this.buf = bigger;
    }
    this.buf.set(key, this.n * this.size);
    this.buf.set(value, this.n * this.size + this.keySize);
    this.n++;
  }
  get count(): number {
    return this.n;
  }
  /** Keys packed into one buffer, values into another, in `order` (default: as pushed). */
  pack(order: 'pushed' | 'reversed' = 'pushed'): { keys: Uint8Array; values: Uint8Array } {
    const { n, size, keySize, valueSize, buf } = this;
    const keys = new Uint8Array(n * keySize);
    const values = new Uint8Array(n * valueSize);
    for (let i = 0; i < n; i++) {
      const src = (order === 'pushed' ? i : n - 1 - i) * size;
      for (let b = 0; b < keySize; b++) keys[i * keySize + b] = buf[src + b]!;
      for (let b = 0; b < valueSize; b++) values[i * valueSize + b] = buf[src + keySize + b]!;
    }
    return { keys, values };
  }
  entries(): Array<readonly [Uint8Array, Uint8Array]> {
    return Array.from({ length: this.n }, (_, i) => {
      const off = i * this.size;
      return [this.buf.subarray(off, off + this.keySize), this.buf.subarray(off + this.keySize, off + this.size)] as const;
    });
  }
  /** Keeps only the records for which `keep` is true. */
  retain(keep: (key: Uint8Array, value: Uint8Array) => boolean): void {
    const kept = this.entries().filter(([k, v]) => keep(k, v));
    const out = new RecordList(this.keySize, this.valueSize, kept.length);
    for (const [k, v] of kept) out.push(k, v);
    this.buf = out.buf;
    this.n = out.n;
  }
}

/**
 * Layers sorted record sets: a later layer's entry replaces an earlier one's with the same key
 * (cluster-wide contents first, the node's own after). One layer is returned as it is.
 */
export function mergeLayers(layers: Records[]): Records {
  if (layers.length === 0) throw new Error('mergeLayers: no layers');
  if (layers.length === 1) return layers[0]!;
  return layers.reduce((below, above) => mergeTwo(below, above));
}

function mergeTwo(a: Records, b: Records): Records {
  const size = recordSize(a);
  const out = new Uint8Array((a.count + b.count) * size);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.count || j < b.count) {
    const c = i >= a.count ? 1 : j >= b.count ? -1 : compareBytes(keyAt(a, i), keyAt(b, j));
    if (c < 0) out.set(a.bytes.subarray(i * size, ++i * size), n++ * size);
    else {
      out.set(b.bytes.subarray(j * size, ++j * size), n++ * size);
      if (c === 0) i++;
    }
  }
  return { keySize: a.keySize, valueSize: a.valueSize, count: n, bytes: out.subarray(0, n * size) };
}

/** What must change in a map to turn `from` into `to`. */
export interface RecordDiff {
  /** Keys not in `from`, with their new values. */
  added: RecordList;
  /** Keys in both with different values: new values here, old values in `previous`. */
  changed: RecordList;
  previous: RecordList;
  /** Keys only in `from`, with their old values (kept for rollback). */
  removed: RecordList;
}

/**
 * How many records from position i of `a` and j of `b` on are byte-identical, found by galloping
 * then bisecting with memcmp over whole spans: a one-record change in 100,000 records costs a
 * few dozen native compares instead of a JavaScript loop over all of them.
 */
function equalRun(a: Records, i: number, b: Records, j: number, limit: number): number {
  const size = recordSize(a);
  const ab = Buffer.from(a.bytes.buffer, a.bytes.byteOffset, a.bytes.byteLength);
  const bb = Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.bytes.byteLength);
  const eq = (n: number) => ab.compare(bb, j * size, (j + n) * size, i * size, (i + n) * size) === 0;
  if (limit === 0 || !eq(1)) return 0;
  let lo = 1;
  let step = 1;
  while (lo + step <= limit && eq(lo + step)) {
    lo += step;
    step *= 2;
  }
  let hi = Math.min(limit, lo + step - 1);
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (eq(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function diffRecords(from: Records, to: Records): RecordDiff {
  if (from.keySize !== to.keySize || from.valueSize !== to.valueSize) {
    throw new Error(`diffRecords: record sizes differ (${from.keySize}/${from.valueSize} vs ${to.keySize}/${to.valueSize})`);
  }
  const d: RecordDiff = {
    added: new RecordList(to.keySize, to.valueSize),
    changed: new RecordList(to.keySize, to.valueSize),
    previous: new RecordList(to.keySize, to.valueSize),
    removed: new RecordList(to.keySize, to.valueSize),
  };
  if (from.count === 0) {
    d.added = RecordList.of(to);
    return d;
  }
  let i = 0;
  let j = 0;
  while (i < from.count && j < to.count) {
    // Skip the identical stretch up to the next difference, whatever its length.
    const same = equalRun(from, i, to, j, Math.min(from.count - i, to.count - j));
    i += same;
    j += same;
    if (i >= from.count || j >= to.count) break;
    const c = compareBytes(keyAt(from, i), keyAt(to, j));
    if (c < 0) {
      d.removed.push(keyAt(from, i), valueAt(from, i));
      i++;
    } else if (c > 0) {
      d.added.push(keyAt(to, j), valueAt(to, j));
      j++;
    } else {
      d.changed.push(keyAt(to, j), valueAt(to, j));
      d.previous.push(keyAt(from, i), valueAt(from, i));
      i++;
      j++;
    }
  }
  for (; i < from.count; i++) d.removed.push(keyAt(from, i), valueAt(from, i));
  for (; j < to.count; j++) d.added.push(keyAt(to, j), valueAt(to, j));
  return d;
}

export function diffIsEmpty(d: RecordDiff): boolean {
  return d.added.count === 0 && d.changed.count === 0 && d.removed.count === 0;
}

/**
 * Diffs a live map's unsorted contents (as read back from the kernel) against the wanted sorted
 * records: the slow, always-right path used when no trusted snapshot of the last apply exists.
 */
export function diffLive(liveKeys: Uint8Array, liveValues: Uint8Array, liveCount: number, to: Records): RecordDiff {
  const { keySize, valueSize } = to;
  const d: RecordDiff = {
    added: new RecordList(keySize, valueSize),
    changed: new RecordList(keySize, valueSize),
    previous: new RecordList(keySize, valueSize),
    removed: new RecordList(keySize, valueSize),
  };
  const kb = Buffer.from(liveKeys.buffer, liveKeys.byteOffset, liveKeys.byteLength);
  const live = new Map<string, number>();
  for (let i = 0; i < liveCount; i++) live.set(kb.toString('latin1', i * keySize, (i + 1) * keySize), i);
  for (let j = 0; j < to.count; j++) {
    const key = keyAt(to, j);
    const i = live.get(Buffer.from(key.buffer, key.byteOffset, keySize).toString('latin1'));
    if (i === undefined) {
      d.added.push(key, valueAt(to, j));
      continue;
    }
    live.delete(Buffer.from(key.buffer, key.byteOffset, keySize).toString('latin1'));
    const old = liveValues.subarray(i * valueSize, (i + 1) * valueSize);
    if (compareBytes(old, valueAt(to, j)) !== 0) {
      d.changed.push(key, valueAt(to, j));
      d.previous.push(key, old);
    }
  }
  for (const i of live.values()) {
    d.removed.push(liveKeys.subarray(i * keySize, (i + 1) * keySize), liveValues.subarray(i * valueSize, (i + 1) * valueSize));
  }
  return d;
}
