// Global data as libbpf loads it: `.rodata` (and `.kconfig`) are arrays read-only to programs
// (BPF_F_RDONLY_PROG) and frozen, so stores into them are refused and, where the host passed the
// frozen contents, a load at a constant offset gives a known constant, as the kernel does.

import { fail } from './errors';
import { prog } from './program';
import { Reg } from './reg';

/** map_flags BPF_F_RDONLY_PROG. */
const RDONLY_PROG: i32 = 1 << 7;

/** Per map index: its frozen value, or null when unknown. */
let contents: Array<Uint8Array | null> = changetype<Array<Uint8Array | null>>(0);

export function initGlobalData(): void {
  contents = new Array<Uint8Array | null>();
}

/** Host boundary: the frozen value of map `map` (call after begin, before verify). */
export function setMapContents(map: i32, bytes: Uint8Array): void {
  while (contents.length <= map) contents.push(null);
  contents[map] = bytes;
}

/** A store, atomic or helper write of `size` bytes at fixed offset `off` into map `map`. */
export function checkMapWritable(insn: i32, map: i32, off: i32, size: i32): bool {
  if ((prog.maps[map].flags & RDONLY_PROG) == 0) return true;
  return fail(insn, 'write into map forbidden, value_size=' + prog.maps[map].valueSize.toString() + ' off=' +
    off.toString() + ' size=' + size.toString());
}

/**
 * Sets `dst` to the constant a load of `size` bytes at base + off reads from frozen contents,
 * when the offset is known and the map's contents are; returns whether it did. The access is
 * already checked to be in bounds.
 */
export function loadFrozen(base: Reg, off: i32, size: i32, signExtend: bool, dst: Reg): bool {
  const map = base.map;
  if (map < 0 || map >= contents.length || !base.isConst()) return false;
  const bytes = contents[map];
  if (bytes == null) return false;
  if ((prog.maps[map].flags & RDONLY_PROG) == 0) return false;
  if (size != 1 && size != 2 && size != 4 && size != 8) return false;
  const at = <i64>base.off + <i64>off + <i64>base.v;
  if (at < 0 || at + <i64>size > <i64>bytes.length) return false;
  let v: u64 = 0;
  for (let b = size - 1; b >= 0; b--) v = (v << 8) | <u64>bytes[<i32>at + b];
  if (signExtend && size < 8) {
    const shift = <u64>(64 - size * 8);
    v = <u64>((<i64>(v << shift)) >> shift);
  }
  dst.markConst(v);
  return true;
}
