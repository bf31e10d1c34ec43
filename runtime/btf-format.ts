// Map keys and values as text, decoded with the BTF types the map was created with:
// `{ vip = 192.0.2.10, port = 80, slot = 0 }`. Without BTF, dump falls back to hex.
// Network-order typedefs (__be16, __be32) print in host order; __be32 as a dotted IPv4 address,
// since in this datapath that is what they hold.

import { btfSizeOf, btfType } from '../format/btf-read.ts';
import type { Btf } from '../format/bpf-object-btf.ts';

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function formatNetworkOrder(name: '__be16' | '__be32', bytes: Uint8Array, off: number): string {
  if (name === '__be16') return String(((bytes[off] ?? 0) << 8) | (bytes[off + 1] ?? 0));
  return Array.from(bytes.subarray(off, off + 4)).join('.');
}

function readUint(bytes: Uint8Array, off: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[off + i] ?? 0);
  return v;
}

function asSigned(v: bigint, bits: number): bigint {
  return v >= 1n << BigInt(bits - 1) ? v - (1n << BigInt(bits)) : v;
}

function isPrintable(bytes: Uint8Array): boolean {
  const end = bytes.indexOf(0);
  const body = bytes.subarray(0, end < 0 ? bytes.length : end);
  return body.length > 0 && body.every((b) => b >= 0x20 && b < 0x7f) && (end < 0 || bytes.subarray(end).every((b) => b === 0));
}

/** Formats `bytes` (starting at `off`) as BTF type `id`; unknown kinds print as hex. */
export function formatBtfValue(btf: Btf, id: number, bytes: Uint8Array, off = 0, depth = 0): string {
  if (depth > 16) return '…';
  const t = btfType(btf, id);
  switch (t.kind) {
    case 'TYPEDEF':
      if (t.name === '__be16' || t.name === '__be32') return formatNetworkOrder(t.name, bytes, off);
      return formatBtfValue(btf, t.type, bytes, off, depth + 1);
    case 'CONST':
    case 'VOLATILE':
    case 'RESTRICT':
    case 'TYPE_TAG':
      return formatBtfValue(btf, t.type, bytes, off, depth + 1);
    case 'INT': {
      // Our compiler names network-order integers __be16/__be32 directly; clang via a typedef.
      if (t.name === '__be16' || t.name === '__be32') return formatNetworkOrder(t.name, bytes, off);
      if (t.encoding & 4) return bytes[off] ? 'true' : 'false';
      const v = readUint(bytes, off, t.size);
      return String(t.encoding & 1 ? asSigned(v, t.size * 8) : v);
    }
    case 'ENUM':
    case 'ENUM64': {
      const raw = readUint(bytes, off, t.size);
      const v = t.signed ? asSigned(raw, t.size * 8) : raw;
      return t.values.find((e) => e.value === v)?.name ?? String(v);
    }
    case 'PTR':
      return `0x${readUint(bytes, off, 8).toString(16)}`;
    case 'ARRAY': {
      const elem = btfType(btf, t.type);
      const size = btfSizeOf(btf, t.type);
      if (elem.kind === 'INT' && elem.size === 1 && isPrintable(bytes.subarray(off, off + t.nelems))) {
        const s = bytes.subarray(off, off + t.nelems);
        const end = s.indexOf(0);
        return JSON.stringify(new TextDecoder().decode(s.subarray(0, end < 0 ? s.length : end)));
      }
      const items = Array.from({ length: t.nelems }, (_, i) => formatBtfValue(btf, t.type, bytes, off + i * size, depth + 1));
      return `[${items.join(', ')}]`;
    }
    case 'STRUCT': {
      const fields = t.members.map((m) => {
        let v: string;
        if (m.bitfieldSize) {
          const word = readUint(bytes, off, t.size);
          v = String((word >> BigInt(m.bitOffset)) & ((1n << BigInt(m.bitfieldSize)) - 1n));
        } else {
          v = formatBtfValue(btf, m.type, bytes, off + m.bitOffset / 8, depth + 1);
        }
        return m.name ? `${m.name} = ${v}` : v;
      });
      return `{ ${fields.join(', ')} }`;
    }
    default:
      return `<${hex(bytes.subarray(off, off + Math.max(1, sizeOrZero(btf, id))))}>`;
  }
}

function sizeOrZero(btf: Btf, id: number): number {
  try {
    return btfSizeOf(btf, id);
  } catch {
    return 0;
  }
}
