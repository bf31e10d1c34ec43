// A linked BPF program (format/link-program.ts) as one WebAssembly module in text form:
// the shared memory and the helpers it calls as imports, one function per BPF function, and
// `run(ctx)`, which enters the program with r1 = ctx and r10 at the top of the stack region.

import type { LinkedProgram } from '../../format/link-program.ts';
import { STACK_TOP, TRACE_BASE, TRACE_CAP } from '../layout.ts';
import { helperImport } from './call.ts';
import { translateFunction } from './function.ts';
import type { ImmResolver } from './memory.ts';
import { readSlots, type Block } from './slots.ts';
import { supportFunctions } from './support.ts';
import { TranslateError } from './error.ts';

export interface TranslateOptions {
  /** The value of a map reference (ld_imm64 with BPF_PSEUDO_MAP_FD) to map `map`. */
  mapValue(map: string): bigint;
  /** The address of byte `offset` of global data section `section`. */
  dataAddress(section: string, offset: number): bigint;
  /** Record each basic block entered (trace_count, and slots from TRACE_BASE). */
  trace?: boolean;
}

export interface TranslatedModule {
  wat: string;
  /** Helper ids the program calls, sorted: each is an import `helpers.h<id>`. */
  helpers: number[];
  /** Every function's basic blocks by first slot, to expand a block trace into slots. */
  blocks: Map<number, Block>;
}

export function translateProgram(p: LinkedProgram, o: TranslateOptions): TranslatedModule {
  const slots = readSlots(p.insns);
  const refs = new Map<number, () => bigint>();
  for (const r of p.mapRefs) refs.set(r.insn, () => o.mapValue(r.map));
  for (const r of p.dataRefs) refs.set(r.insn, () => o.dataAddress(r.section, r.offset));
  for (const r of p.externRefs) refs.set(r.insn, () => { throw new TranslateError(r.insn, `extern ${r.symbol}: the simulator resolves no kconfig or ksym externs`); });
  const imm: ImmResolver = { resolve: (slot) => refs.get(slot)?.() };
  const starts = new Map(p.functions.map((f, i) => [f.start, i]));
  const total = p.insns.length / 8;
  const helpers = new Set<number>();
  const blocks = new Map<number, Block>();
  const functions = p.functions.map((fn, index) => {
    const end = p.functions[index + 1]?.start ?? total;
    const t = translateFunction({ index, start: fn.start, end, slots, imm, functionAt: (s) => starts.get(s), trace: !!o.trace });
    for (const h of t.helpers) helpers.add(h);
    for (const b of t.blocks) blocks.set(b.start, b);
    return t.text;
  });
  const sorted = [...helpers].sort((a, b) => a - b);
  const imports = sorted.map((h) => `(import "helpers" "h${h}" (func ${helperImport(h)} (param f64 f64 f64 f64 f64) (result f64)))`);
  const wat = [
    '(module',
    '(import "env" "memory" (memory 1))',
    ...imports,
    '(global $tn (export "trace_count") (mut i32) (i32.const 0))',
    `(func $trace (param $slot i32)
      (if (i32.lt_u (global.get $tn) (i32.const ${TRACE_CAP}))
        (then
          (i32.store (i32.add (i32.const ${TRACE_BASE}) (i32.shl (global.get $tn) (i32.const 2))) (local.get $slot))
          (global.set $tn (i32.add (global.get $tn) (i32.const 1))))))`,
    supportFunctions,
    ...functions,
    // The return value as the kernel reports it (u32): an i32, so JavaScript gets a number, not a BigInt.
    `(func (export "run") (param $ctx i32) (result i32)
      (i32.wrap_i64 (call $f0 (i64.extend_i32_u (local.get $ctx)) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0) (i64.const ${STACK_TOP}))))`,
    ')',
  ].join('\n');
  return { wat, helpers: sorted, blocks };
}
