// Builds .BTF.ext: func info (where each function starts, its BTF FUNC) and line info (which
// source line each instruction comes from), per ELF section, instruction offsets in bytes as
// in object files (libbpf turns them into instruction indexes for the kernel).

import {
  BTF_EXT_HEADER_SIZE,
  BTF_MAGIC,
  BTF_VERSION,
  FUNC_INFO_SIZE,
  LINE_COL_MAX_COL,
  LINE_COL_SHIFT,
  LINE_INFO_SIZE,
} from '../../format/bpf-object-btf.ts';
import type { StringTable } from './btf-write.ts';

export interface FuncInfoSpec {
  /** Byte offset of the function's first instruction in its section. */
  insnOff: number;
  typeId: number;
}

export interface LineInfoSpec {
  insnOff: number;
  file: string;
  /** The source line's text. */
  text: string;
  line: number;
  col: number;
}

export interface SectionInfo {
  section: string;
  funcs: FuncInfoSpec[];
  lines: LineInfoSpec[];
}

/** The .BTF.ext section; its strings go into `strings`, the .BTF string table. */
export function encodeBtfExt(sections: readonly SectionInfo[], strings: StringTable): Uint8Array {
  const words = (recSize: number, pick: (s: SectionInfo) => number[][]): number[] => {
    const out = [recSize];
    for (const s of sections) {
      const r = pick(s);
      if (r.length === 0) continue;
      out.push(strings.add(s.section), r.length);
      for (const rec of r) for (const w of rec) out.push(w);
    }
    return out;
  };
  const func = words(FUNC_INFO_SIZE, (s) => s.funcs.map((f) => [f.insnOff, f.typeId]));
  const line = words(LINE_INFO_SIZE, (s) =>
    s.lines.map((l) => [
      l.insnOff,
      strings.add(l.file),
      strings.add(l.text),
      (l.line << LINE_COL_SHIFT) | Math.min(Math.max(l.col, 0), LINE_COL_MAX_COL),
    ]),
  );
  const funcLen = func.length * 4;
  const lineLen = line.length * 4;
  const out = new Uint8Array(BTF_EXT_HEADER_SIZE + funcLen + lineLen);
  const v = new DataView(out.buffer);
  v.setUint16(0, BTF_MAGIC, true);
  v.setUint8(2, BTF_VERSION);
  v.setUint8(3, 0);
  v.setUint32(4, BTF_EXT_HEADER_SIZE, true);
  v.setUint32(8, 0, true); // func_info_off, from the end of the header
  v.setUint32(12, funcLen, true);
  v.setUint32(16, funcLen, true); // line_info_off
  v.setUint32(20, lineLen, true);
  v.setUint32(24, funcLen + lineLen, true); // core_relo_off: none
  v.setUint32(28, 0, true);
  [...func, ...line].forEach((w, i) => v.setUint32(BTF_EXT_HEADER_SIZE + i * 4, w >>> 0, true));
  return out;
}
