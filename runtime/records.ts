// Packed map records (key bytes then value bytes, fixed sizes, sorted by key) and the two
// operations apply needs on them: merging layered files and diffing old against new. Kept packed
// in one buffer because 100,000s of tiny Uint8Arrays would cost more than the syscalls.

import { compareBytes } from './format/map-contents.ts';

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

/** Collects records in any order, then packs them (keys and values apart) for batch syscalls. */
export class RecordList {
  private readonly parts: Array<[Uint8Array, Uint8Array]> = [];
  constructor(
    readonly keySize: number,
    readonly valueSize: number,
  ) {}
  push(key: Uint8Array, value: Uint8Array): void {
    this.parts.push([key, value]);
  }
  get count(): number {
    return this.parts.length;
  }
  /** Keys packed into one buffer, values into another, in `order` (default: as pushed). */
  pack(order: 'pushed' | 'reversed' = 'pushed'): { keys: Uint8Array; values: Uint8Array } {
    const n = this.parts.length;
    const keys = new Uint8Array(n * this.keySize);
    const values = new Uint8Array(n * this.valueSize);
    for (let i = 0; i < n; i++) {
      const [k, v] = this.parts[order === 'pushed' ? i : n - 1 - i]!;
      keys.set(k, i * this.keySize);
      values.set(v, i * this.valueSize);
    }
    return { keys, values };
  }
  entries(): ReadonlyArray<readonly [Uint8Array, Uint8Array]> {
    return this.parts;
  }
  /** Keeps only the records for which `keep` is true. */
  retain(keep: (key: Uint8Array, value: Uint8Array) => boolean): void {
    const kept = this.parts.filter(([k, v]) => keep(k, v));
    this.parts.length = 0;
    this.parts.push(...kept);
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

/** Records common to both ends of two sorted sets, counted in whole records: the cheap part. */
function commonEnds(a: Records, b: Records): { head: number; tail: number } {
  const size = recordSize(a);
  const limit = Math.min(a.count, b.count);
  const eq = (ai: number, bi: number, n: number) =>
    Buffer.from(a.bytes.buffer, a.bytes.byteOffset + ai * size, n * size).equals(
      Buffer.from(b.bytes.buffer, b.bytes.byteOffset + bi * size, n * size),
    );
  // Galloping then bisecting with memcmp over whole spans: a one-record change in 100,000
  // records costs a few dozen native compares instead of a JavaScript loop over all of them.
  const run = (match: (n: number) => boolean): number => {
    let lo = 0;
    let step = 1;
    while (lo + step <= limit && match(lo + step)) {
      lo += step;
      step *= 2;
    }
    let hi = Math.min(limit, lo + step);
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (match(mid)) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const head = run((n) => eq(0, 0, n));
  const tail = run((n) => n <= limit - head && eq(a.count - n, b.count - n, n));
  return { head, tail };
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
  const { head, tail } = commonEnds(from, to);
  let i = head;
  let j = head;
  const iEnd = from.count - tail;
  const jEnd = to.count - tail;
  while (i < iEnd || j < jEnd) {
    const c = i >= iEnd ? 1 : j >= jEnd ? -1 : compareBytes(keyAt(from, i), keyAt(to, j));
    if (c < 0) {
      d.removed.push(keyAt(from, i), valueAt(from, i));
      i++;
    } else if (c > 0) {
      d.added.push(keyAt(to, j), valueAt(to, j));
      j++;
    } else {
      if (compareBytes(valueAt(from, i), valueAt(to, j)) !== 0) {
        d.changed.push(keyAt(to, j), valueAt(to, j));
        d.previous.push(keyAt(from, i), valueAt(from, i));
      }
      i++;
      j++;
    }
  }
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
