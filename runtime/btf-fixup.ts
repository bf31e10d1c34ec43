// Makes an object's .BTF loadable by the kernel the way a loader must: clang leaves DATASEC sizes
// and variable offsets at 0 for the linker to fill in, and the kernel refuses a DATASEC of size 0.
// Works on a copy of the raw bytes; per-kind record sizes follow the kernel's btf.rst.

import { BtfKind } from '../format/bpf-object-btf.ts';

/** Bytes that follow the 12-byte common header, per kind and vlen. */
function trailing(kind: number, vlen: number): number {
  switch (kind) {
    case BtfKind.INT:
    case BtfKind.VAR:
    case BtfKind.DECL_TAG:
      return 4;
    case BtfKind.ARRAY:
      return 12;
    case BtfKind.STRUCT:
    case BtfKind.UNION:
    case BtfKind.DATASEC:
    case BtfKind.ENUM64:
      return 12 * vlen;
    case BtfKind.ENUM:
    case BtfKind.FUNC_PROTO:
      return 8 * vlen;
    default:
      return 0;
  }
}

/**
 * A copy of `raw` in which every DATASEC of size 0 has its variables laid out one after another
 * (8-byte aligned) and its size set to their end. The kernel only checks that the layout is
 * consistent; it never maps these sections, so the exact ELF offsets do not matter to it.
 * Returns `raw` itself when nothing needed fixing.
 */
export function fixDatasecSizes(raw: Uint8Array): Uint8Array {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const hdrLen = view.getUint32(4, true);
  const typeOff = hdrLen + view.getUint32(8, true);
  const typeEnd = typeOff + view.getUint32(12, true);
  let out: Uint8Array | undefined;
  let w: DataView | undefined;
  for (let p = typeOff; p + 12 <= typeEnd; ) {
    const info = view.getUint32(p + 4, true);
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    if (kind === BtfKind.DATASEC && view.getUint32(p + 8, true) === 0 && vlen > 0) {
      out ??= new Uint8Array(raw);
      w ??= new DataView(out.buffer);
      let end = 0;
      for (let i = 0; i < vlen; i++) {
        const at = p + 12 + i * 12;
        const size = view.getUint32(at + 8, true);
        const offset = (end + 7) & ~7;
        w.setUint32(at + 4, offset, true);
        end = offset + size;
      }
      w.setUint32(p + 8, end, true);
    }
    p += 12 + trailing(kind, vlen);
  }
  return out ?? raw;
}
