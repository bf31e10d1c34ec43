// Map keys and values decoded with the layouts the compiler wrote (generated/<c>/maps.json), so a
// trace shows `ct4 {saddr=198.51.100.7, sport=40000, ...}` instead of bytes. A map the file does
// not describe (global data, a map of a newer object) prints as hex.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatAddress } from '../network.ts';
import type { MapOp } from '../env.ts';

interface Field {
  name: string;
  type: string;
  offset: number;
  size: number;
}

interface Layout {
  type?: string;
  key: { fields: Field[] };
  value: { fields: Field[] };
}

export type MapLayouts = Map<string, Layout>;

export interface DecodedMapOp {
  map: string;
  op: MapOp['op'];
  key: string;
  value?: string;
  /** 'ok', 'miss' (a lookup that found nothing) or the errno the helper returned. */
  result: string;
}

export function readMapLayouts(dir: string): MapLayouts {
  const path = join(dir, 'maps.json');
  if (!existsSync(path)) return new Map();
  const json = JSON.parse(readFileSync(path, 'utf8')) as { maps: Array<{ name: string } & Layout> };
  return new Map(json.maps.map((m) => [m.name, { type: m.type, key: m.key, value: m.value }]));
}

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
/** Big arrays (a Maglev table) print their length and first elements only. */
const ARRAY_SHOWN = 8;

function field(bytes: Uint8Array, f: Field): string | undefined {
  if (f.type === 'pad' || f.offset + f.size > bytes.length) return undefined;
  const b = bytes.subarray(f.offset, f.offset + f.size);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const element = f.type.replace('[]', '');
  const one = (at: number): string => {
    switch (element) {
      case 'u8':
        return String(b[at]);
      case 'u16':
        return String(dv.getUint16(at, true));
      case 'u32':
        return String(dv.getUint32(at, true));
      case 'u64':
        return String(dv.getBigUint64(at, true));
      case 'be16':
        return String(dv.getUint16(at, false));
      case 'be32':
        // Addresses are the be32 fields a datapath keeps; other be32 fields print as numbers.
        return /addr|address|client|cidr|ipv4/.test(f.name) ? formatAddress(b.subarray(at, at + 4)) : String(dv.getUint32(at, false));
      case 'in6':
        return formatAddress(b.subarray(at, at + 16));
      case 'mac':
        return Array.from(b.subarray(at, at + 6), (x) => x.toString(16).padStart(2, '0')).join(':');
      default:
        return hexOf(b);
    }
  };
  if (!f.type.endsWith('[]')) return one(0);
  const width = { u8: 1, u16: 2, be16: 2, u32: 4, be32: 4, u64: 8, in6: 16 }[element] ?? f.size;
  const n = Math.floor(f.size / width);
  const shown = Array.from({ length: Math.min(n, ARRAY_SHOWN) }, (_, i) => one(i * width));
  return `[${shown.join(' ')}${n > ARRAY_SHOWN ? ` …${n} in all` : ''}]`;
}

export function decodeStruct(bytes: Uint8Array, fields: Field[] | undefined): string {
  if (!fields) return hexOf(bytes);
  const parts = fields.flatMap((f) => {
    const v = field(bytes, f);
    return v === undefined ? [] : [`${f.name}=${v}`];
  });
  return `{${parts.join(', ')}}`;
}

const errnoNames: Record<number, string> = { 2: 'ENOENT', 7: 'E2BIG', 17: 'EEXIST', 22: 'EINVAL', 12: 'ENOMEM' };

export function decodeMapOp(layouts: MapLayouts, op: MapOp): DecodedMapOp {
  const l = layouts.get(op.map);
  const result = op.result === 0 ? 'ok' : op.op === 'lookup' && op.result === -2 ? 'miss' : (errnoNames[-op.result] ?? `errno ${-op.result}`);
  // Socket-local storage is reached by the socket: the simulator records the socket's cookie.
  const key = l?.type === 'BPF_MAP_TYPE_SK_STORAGE' && op.key.length === 8 ? `{socket_cookie=${new DataView(op.key.buffer, op.key.byteOffset, 8).getBigUint64(0, true)}}` : decodeStruct(op.key, l?.key.fields);
  return { map: op.map, op: op.op, key, ...(op.value ? { value: decodeStruct(op.value, l?.value.fields) } : {}), result };
}
