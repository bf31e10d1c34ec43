// Map contents in binary: the entries one BPF map should hold, as the compiler computed them.
// Inert and shared: the emitter writes these files, switchyard-node reads them and converges the
// live map towards them. Little-endian header, then records sorted by key bytes.
//
//   magic "SYMC" | u16 version | u16 name length | u32 key size | u32 value size | u32 count
//   | name (utf-8) padded to 4 bytes | count × (key bytes, value bytes)

export const MAP_CONTENTS_MAGIC = 'SYMC';
export const MAP_CONTENTS_VERSION = 1;

export interface MapEntry {
  key: Uint8Array;
  value: Uint8Array;
}

export interface MapContents {
  /** The map's name in the BPF object's `.maps` section. */
  map: string;
  keySize: number;
  valueSize: number;
  /** Sorted by key bytes, no key twice. */
  entries: MapEntry[];
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The file for a list of entries: sorted by key here; a key twice or a wrong size is refused. */
export function encodeMapContents(c: MapContents): Uint8Array {
  const entries = [...c.entries].sort((a, b) => compareBytes(a.key, b.key));
  const size = c.keySize + c.valueSize;
  const records = new Uint8Array(entries.length * size);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.key.length !== c.keySize || e.value.length !== c.valueSize) {
      throw new Error(`map ${c.map}: entry ${i} has ${e.key.length}/${e.value.length} bytes, expected ${c.keySize}/${c.valueSize}`);
    }
    if (i > 0 && compareBytes(entries[i - 1]!.key, e.key) === 0) throw new Error(`map ${c.map}: key ${i} appears twice`);
    records.set(e.key, i * size);
    records.set(e.value, i * size + c.keySize);
  }
  return encodeMapContentsPacked({ map: c.map, keySize: c.keySize, valueSize: c.valueSize, count: entries.length, records });
}

/** The file's entries, each copied out (see decodeMapContentsPacked for the zero-copy form). */
export function decodeMapContents(bytes: Uint8Array, source = 'map contents'): MapContents {
  const { map, keySize, valueSize, count, records } = decodeMapContentsPacked(bytes, source);
  const size = keySize + valueSize;
  const entries: MapEntry[] = [];
  for (let off = 0; off < count * size; off += size) {
    entries.push({ key: records.slice(off, off + keySize), value: records.slice(off + keySize, off + size) });
  }
  return { map, keySize, valueSize, entries };
}

/** Map contents with the records left packed (key, value, key, value ...) in one byte view. */
export interface PackedMapContents {
  map: string;
  keySize: number;
  valueSize: number;
  count: number;
  /** A view into the file's bytes: count × (key, value), in the file's (sorted) order. */
  records: Uint8Array;
}

/**
 * Like decodeMapContents, without copying each entry out: switchyard-node reads files of
 * 100,000s of entries per apply. The order is trusted as written (callers check the sha256 first).
 */
export function decodeMapContentsPacked(bytes: Uint8Array, source = 'map contents'): PackedMapContents {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 20 || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAP_CONTENTS_MAGIC) {
    throw new Error(`${source}: not a map-contents file (bad magic)`);
  }
  const version = view.getUint16(4, true);
  if (version !== MAP_CONTENTS_VERSION) throw new Error(`${source}: version ${version}, expected ${MAP_CONTENTS_VERSION}`);
  const nameLen = view.getUint16(6, true);
  const keySize = view.getUint32(8, true);
  const valueSize = view.getUint32(12, true);
  const count = view.getUint32(16, true);
  const start = 20 + ((nameLen + 3) & ~3);
  if (bytes.length !== start + count * (keySize + valueSize)) {
    throw new Error(`${source}: ${bytes.length} bytes, expected ${start + count * (keySize + valueSize)} for ${count} entries`);
  }
  const map = new TextDecoder().decode(bytes.subarray(20, 20 + nameLen));
  return { map, keySize, valueSize, count, records: bytes.subarray(start) };
}

/** The file for already packed, sorted records (the inverse of decodeMapContentsPacked). */
export function encodeMapContentsPacked(c: PackedMapContents): Uint8Array {
  const name = new TextEncoder().encode(c.map);
  const start = 20 + ((name.length + 3) & ~3);
  const out = new Uint8Array(start + c.records.length);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAP_CONTENTS_MAGIC), 0);
  view.setUint16(4, MAP_CONTENTS_VERSION, true);
  view.setUint16(6, name.length, true);
  view.setUint32(8, c.keySize, true);
  view.setUint32(12, c.valueSize, true);
  view.setUint32(16, c.count, true);
  out.set(name, 20);
  out.set(c.records, start);
  return out;
}
