// Carries the entries of a map the datapath fills itself (conntrack, affinity, the socket LB's
// reverse entries) across an apply whose object changed the map's key or value struct. Such a
// map is replaced by a new one (map-sync.ts stages it), and an empty conntrack would break every
// established flow: the next packet of a SNATed connection would choose a backend and a port
// afresh. So, just before the links switch, each entry is copied into the new map field by
// field, matched by name through both maps' BTF: a field that keeps its name keeps its meaning
// (the convention map-layouts.ts follows), new fields start at zero, dropped ones go. Keys must
// keep every field (other than padding), or entries could merge. A field whose meaning changed
// is renamed, and CONVERSIONS says how an old value becomes a new one where that is known. What
// the old programs write after the copy (a few milliseconds of new flows) is not carried over.

import { btfSizeOf, btfType, parseBtf, skipModifiers } from '../format/btf-read.ts';
import type { Btf } from '../format/bpf-object-btf.ts';
import type { LiveMap } from './map.ts';
import type { MapDef } from './object.ts';
import { MapType } from './sys/bpf.ts';
import { btfBytes, fdById } from './sys/bpf-obj.ts';
import { isDenied } from './sys/capabilities.ts';
import { closeFd } from './sys/syscall.ts';

/** Map types whose entries are keyed records that can be copied one by one. */
const MIGRATABLE = new Set<number>([MapType.HASH, MapType.LRU_HASH]);

interface Field {
  name: string;
  offset: number;
  size: number;
}

/** One struct's named fields; a scalar key or value is one field named ''. */
interface Layout {
  size: number;
  fields: Field[];
}

/** Bytes to copy from an old record into a new one; a u64 with `scale` is multiplied by it. */
interface Copy {
  from: number;
  to: number;
  size: number;
  scale?: bigint;
}

/** What a conversion may need to know of the node, as this apply leaves it. */
export interface MigrationContext {
  /** node_clock's jiffy (format/node-clock.ts): what the new programs multiply jiffies by. */
  nsPerJiffy?: bigint;
}

/** A value field renamed because its meaning changed, and the factor from old values to new. */
interface Conversion {
  was: string;
  now: string;
  scale(c: MigrationContext): bigint | undefined;
}

const CONVERSIONS: readonly Conversion[] = [
  // ct4_value / ct6_value: the jiffy an entry expires at became that jiffy in nanoseconds of the
  // conntrack clock (compiler/datapath/nodeport/clock.ts): the same instant.
  { was: 'lifetime', now: 'expires', scale: (c) => c.nsPerJiffy },
];

export interface Migration {
  key: Copy[];
  value: Copy[];
  keySize: number;
  valueSize: number;
  /** Value fields the new map has and the old one did not: they start at zero. */
  added: string[];
  /** Value fields the old map had and the new one drops. */
  dropped: string[];
}

const isPadding = (name: string) => /^(pad|_?reserved)\d*$/.test(name);

function layoutOf(btf: Btf, typeId: number): Layout {
  const id = skipModifiers(btf, typeId);
  const t = btfType(btf, id);
  const size = btfSizeOf(btf, id);
  if (t.kind !== 'STRUCT') return { size, fields: [{ name: '', offset: 0, size }] };
  const fields = t.members.filter((m) => m.name !== '' && !isPadding(m.name)).map((m) => ({ name: m.name, offset: m.bitOffset / 8, size: btfSizeOf(btf, m.type) }));
  return { size, fields };
}

/** The BTF the kernel holds for a live map, as its key and value layouts; undefined without BTF. */
function liveLayouts(old: LiveMap): { key: Layout; value: Layout } | undefined {
  const { btfId, btfKeyTypeId, btfValueTypeId } = old.info;
  if (!btfId || !btfKeyTypeId || !btfValueTypeId) return undefined;
  let fd: number;
  try {
    fd = fdById('btf', btfId);
  } catch (e) {
    // Only CAP_SYS_ADMIN opens BTF by id. Without the old layout the entries cannot be copied,
    // and an empty map would break every flow it holds: the apply stops, the last one serves.
    if (!isDenied(e)) throw e;
    const why = `map ${old.name}: its entries cannot be carried over to the new layout: reading the replaced map's BTF by id needs CAP_SYS_ADMIN; grant it for this apply (docs/deploy.md)`;
    throw Object.assign(new Error(why, { cause: e }), { code: (e as { code: string }).code });
  }
  try {
    const btf = parseBtf(btfBytes(fd));
    return { key: layoutOf(btf, btfKeyTypeId), value: layoutOf(btf, btfValueTypeId) };
  } finally {
    closeFd(fd);
  }
}

/**
 * How to copy `old`'s entries into a map made for `def` (whose types are in `btf`, the new
 * object's), or why they cannot be: a string for the apply's report.
 */
export function planMigration(old: LiveMap, def: MapDef, btf: Btf | undefined, context: MigrationContext = {}): Migration | string {
  if (!old.listable) return 'socket-local storage cannot be walked or written from here: sockets connected before this apply lose their translation back (getpeername shows the backend) when the replaced map goes';
  if (!MIGRATABLE.has(old.info.type) || !MIGRATABLE.has(def.type)) return 'only hash maps are carried over';
  if (!btf || def.btfKeyTypeId === undefined || def.btfValueTypeId === undefined) return 'the new object has no BTF for the map';
  const was = liveLayouts(old);
  if (!was) return 'the replaced map has no BTF';
  const key = { was: was.key, now: layoutOf(btf, def.btfKeyTypeId) };
  const value = { was: was.value, now: layoutOf(btf, def.btfValueTypeId) };
  const keyCopies = matchFields(key.was, key.now);
  const keyNames = (l: Layout) => l.fields.map((f) => f.name).sort().join(',');
  if (keyCopies.length !== key.now.fields.length || keyNames(key.was) !== keyNames(key.now)) {
    return `key ${keyNames(key.was) || '(none)'} became ${keyNames(key.now) || '(none)'}`;
  }
  const valueCopies = matchFields(value.was, value.now, context);
  if (valueCopies.length === 0) return 'no value field is kept';
  const filled = new Set(valueCopies.map((c) => c.to));
  const read = new Set(valueCopies.map((c) => c.from));
  return {
    key: keyCopies,
    value: valueCopies,
    keySize: key.now.size,
    valueSize: value.now.size,
    added: value.now.fields.filter((f) => !filled.has(f.offset)).map((f) => f.name),
    dropped: value.was.fields.filter((f) => !read.has(f.offset)).map((f) => f.name),
  };
}

/**
 * Why `live`, though of the geometry `def` wants (so it would be kept), cannot serve it: its
 * value has a field CONVERSIONS renames, whose old values mean something else now, so the map is
 * replaced and its entries converted. Undefined when there is none, or when the old layout
 * cannot be read (no BTF; no CAP_SYS_ADMIN, without which no new object is applied anyway).
 */
export function meaningChange(live: LiveMap, def: MapDef, btf: Btf | undefined): string | undefined {
  if (!btf || def.btfValueTypeId === undefined || !MIGRATABLE.has(def.type)) return undefined;
  const now = new Set(layoutOf(btf, def.btfValueTypeId).fields.map((f) => f.name));
  const renames = CONVERSIONS.filter((c) => now.has(c.now) && !now.has(c.was));
  if (renames.length === 0) return undefined;
  let was: ReturnType<typeof liveLayouts>;
  try {
    was = liveLayouts(live);
  } catch (e) {
    if (isDenied((e as Error).cause)) return undefined;
    throw e;
  }
  const old = new Set(was?.value.fields.map((f) => f.name));
  const c = renames.find((r) => old.has(r.was) && !old.has(r.now));
  return c && `its value field ${c.was} is now ${c.now}, converted`;
}

/**
 * The fields of `now` that `was` has under the same name and size, and (with `context`) those
 * that a CONVERSIONS entry makes of a field `was` has under its old name.
 */
function matchFields(was: Layout, now: Layout, context?: MigrationContext): Copy[] {
  const old = new Map(was.fields.map((f) => [f.name, f]));
  const out: Copy[] = [];
  for (const f of now.fields) {
    const o = old.get(f.name);
    if (o && o.size === f.size) {
      out.push({ from: o.offset, to: f.offset, size: f.size });
      continue;
    }
    const c = context && !o ? CONVERSIONS.find((x) => x.now === f.name) : undefined;
    const from = c && old.get(c.was);
    const scale = c && c.scale(context!);
    if (from && scale !== undefined && from.size === 8 && f.size === 8) out.push({ from: from.offset, to: f.offset, size: 8, scale });
  }
  return out;
}

/** Copies every entry of `old` into `into` as `m` says; returns how many were written. */
export function migrateEntries(old: LiveMap, into: LiveMap, m: Migration, maxEntries: number): number {
  const all = old.readAll();
  const count = into.info.type === MapType.LRU_HASH ? all.count : Math.min(all.count, maxEntries);
  if (count === 0) return 0;
  const keys = new Uint8Array(count * m.keySize);
  const values = new Uint8Array(count * m.valueSize);
  const oldKey = old.keySize;
  const oldValue = old.valueSize;
  for (let i = 0; i < count; i++) {
    convert(all.keys, i * oldKey, keys, i * m.keySize, m.key);
    convert(all.values, i * oldValue, values, i * m.valueSize, m.value);
  }
  into.writeMany(keys, values, count);
  return count;
}

function convert(src: Uint8Array, base: number, dst: Uint8Array, at: number, copies: Copy[]): void {
  for (const c of copies) {
    if (c.scale === undefined) dst.set(src.subarray(base + c.from, base + c.from + c.size), at + c.to);
    else {
      const v = new DataView(src.buffer, src.byteOffset).getBigUint64(base + c.from, true) * c.scale;
      new DataView(dst.buffer, dst.byteOffset).setBigUint64(at + c.to, v > MAX_U64 ? MAX_U64 : v, true);
    }
  }
}

const MAX_U64 = (1n << 64n) - 1n;
