// Stack frames: every slot (objects, map keys, spills) gets an 8-byte-aligned place below r10,
// and the total is held to BPF's 512 bytes per frame, and per chain of BPF-to-BPF calls
// (where the verifier rounds each frame up to 32 bytes).

import type { Diagnostic } from '../../diagnostics.ts';
import { STACK_SIZE } from '../../bpf/register.ts';
import { codes } from '../codes.ts';
import type { IrFunction } from '../ir/ir.ts';

export interface Frame {
  /** r10-relative offset of each slot (negative). */
  readonly offsets: readonly number[];
  /** Bytes used below r10. */
  readonly size: number;
}

export function layoutFrame(fn: IrFunction): Frame {
  const offsets: number[] = [];
  let used = 0;
  for (const s of fn.slots) {
    const align = Math.max(8, s.align);
    used = Math.ceil((used + s.size) / align) * align;
    offsets[s.id] = -used;
  }
  return { offsets, size: used };
}

export function checkFrame(fn: IrFunction, frame: Frame): Diagnostic[] {
  if (frame.size <= STACK_SIZE) return [];
  const biggest = [...fn.slots].sort((a, b) => b.size - a.size).slice(0, 5).map((s) => `${s.name}: ${s.size} bytes`);
  return [{
    code: codes.SY3045.code,
    severity: 'error',
    message: `${fn.name} needs ${frame.size} bytes of stack; BPF allows ${STACK_SIZE}`,
    range: fn.loc ? { file: fn.loc.file, line: fn.loc.line, col: fn.loc.col } : undefined,
    notes: ['largest slots: ' + biggest.join(', ')],
  }];
}

/** The deepest chain of frames through BPF-to-BPF calls, as the verifier counts it. */
export function checkCallChain(
  program: IrFunction,
  frames: ReadonlyMap<string, Frame>,
  callees: ReadonlyMap<string, readonly string[]>,
): Diagnostic[] {
  const round = (n: number) => Math.ceil(Math.max(n, 1) / 32) * 32;
  const depth = (name: string, seen: string[]): { bytes: number; chain: string[] } => {
    const own = round(frames.get(name)?.size ?? 0);
    let best = { bytes: own, chain: [...seen, name] };
    for (const c of callees.get(name) ?? []) {
      if (seen.includes(c)) continue;
      const d = depth(c, [...seen, name]);
      if (own + d.bytes > best.bytes) best = { bytes: own + d.bytes, chain: d.chain };
    }
    return best;
  };
  const d = depth(program.name, []);
  // A chain of one frame is checkFrame's to report.
  if (d.bytes <= STACK_SIZE || d.chain.length < 2) return [];
  return [{
    code: codes.SY3068.code,
    severity: 'error',
    message: `${program.name}: the call chain ${d.chain.join(' -> ')} needs ${d.bytes} bytes of stack; BPF allows ${STACK_SIZE}`,
    range: program.loc ? { file: program.loc.file, line: program.loc.line, col: program.loc.col } : undefined,
  }];
}
