// Map entries as fixed-size records (key bytes, value bytes) packed in one growing buffer:
// no object per entry, which is what kept the garbage collector busy at a few hundred thousand
// entries. Sorted by key bytes in place, the buffer is exactly a map-contents file's body.

export class RecordBuffer {
  readonly recordSize: number;
  bytes: Uint8Array;
  view: DataView;
  count = 0;

  constructor(
    readonly map: string,
    readonly keySize: number,
    readonly valueSize: number,
    initialRecords = 256,
  ) {
    this.recordSize = keySize + valueSize;
    this.bytes = new Uint8Array(initialRecords * this.recordSize);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Appends a zeroed record and returns its byte offset; the key starts there, the value keySize later. */
  add(): number {
    const off = this.count * this.recordSize;
    if (off + this.recordSize > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, off + this.recordSize));
      grown.set(this.bytes);
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    this.count++;
    return off;
  }

  /** Compares the keys at two byte offsets, as unsigned bytes from the first. */
  compareAt(a: number, b: number): number {
    const dv = this.view;
    const n = this.keySize;
    let i = 0;
    // Big-endian words order like their bytes, four at a time.
    for (; i + 4 <= n; i += 4) {
      const x = dv.getUint32(a + i);
      const y = dv.getUint32(b + i);
      if (x !== y) return x < y ? -1 : 1;
    }
    for (; i < n; i++) {
      const x = this.bytes[a + i]!;
      const y = this.bytes[b + i]!;
      if (x !== y) return x - y;
    }
    return 0;
  }

  /** Sorts the records by key; a key twice is a bug in the emitter, refused here. */
  sort(): void {
    const size = this.recordSize;
    const order = Array.from({ length: this.count }, (_, i) => i * size);
    order.sort((a, b) => this.compareAt(a, b));
    const sorted = new Uint8Array(this.count * size);
    for (let i = 0; i < order.length; i++) {
      if (i > 0 && this.compareAt(order[i - 1]!, order[i]!) === 0) throw new Error(`map ${this.map}: a key appears twice (record ${order[i]! / size})`);
      sorted.set(this.bytes.subarray(order[i]!, order[i]! + size), i * size);
    }
    this.bytes = sorted;
    this.view = new DataView(sorted.buffer);
  }

  /** After sort(): whether a key equal to `other`'s key at `off` is present. */
  has(other: RecordBuffer, off: number): boolean {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = compareAcross(this, mid * this.recordSize, other, off);
      if (c === 0) return true;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** The records, `count × recordSize` bytes. */
  packed(): Uint8Array {
    return this.bytes.subarray(0, this.count * this.recordSize);
  }
}

function compareAcross(a: RecordBuffer, aOff: number, b: RecordBuffer, bOff: number): number {
  for (let i = 0; i < a.keySize; i++) {
    const x = a.bytes[aOff + i]!;
    const y = b.bytes[bOff + i]!;
    if (x !== y) return x - y;
  }
  return 0;
}
