// The BPF-TS pipeline, declared as data: the front end lowers sources to IR, then each function
// goes through the passes below in order, and the result is an object definition for the
// backend (compiler/bpf/object.ts) plus the inert facts a loader needs about each program.

import type { SourceFile } from 'ts-morph';
import { compareDiagnostics, type Diagnostic } from '../diagnostics.ts';
import * as ctype from '../bpf/ctype.ts';
import type { Item } from '../bpf/insn.ts';
import type { FunctionDef, ObjectDef, ProgramDef } from '../bpf/object.ts';
import type { MapDef } from '../bpf/maps.ts';
import { checkPacketPointers } from './ir/check-packet.ts';
import type { ConfigValues } from './front/config.ts';
import { expandCalls } from './back/expand-calls.ts';
import { checkCallChain, checkFrame, layoutFrame, type Frame } from './back/frame.ts';
import { frontend, type FrontendProgram } from './front/frontend.ts';
import type { IrFunction } from './ir/ir.ts';
import { printFunction } from './ir/ir-print.ts';
import type { MapDecl } from './front/maps.ts';
import { allocateRegisters } from './back/regalloc.ts';
import { selectInstructions } from './back/select.ts';
import { simplify } from './ir/simplify.ts';
import { foldOffsets, propagateCopies } from './ir/propagate.ts';
import { eliminateCommonSubexpressions } from './ir/cse.ts';
import { dropUselessMasks, foldBoundedBranches } from './ir/ranges.ts';
import { shareSlots } from './back/share-slots.ts';
import { addFiles, openProject, type SourceSet } from './front/source.ts';
import type { MemType } from './front/types.ts';

export interface CompileOptions {
  readonly config?: ConfigValues;
  /** Only these programs (function names). */
  readonly only?: readonly string[];
  /** Keep each function's IR text after the named pass, for tests and debugging. */
  readonly dumpAfter?: PassName;
}

export interface CompiledProgram {
  readonly name: string;
  readonly section: string;
  readonly progType: number;
  readonly expectedAttachType: number;
  /** Bytes of stack the program's own frame uses. */
  readonly stackSize: number;
}

export interface CompileResult {
  /** Everything buildObject / linkItems need; empty programs when there were errors. */
  readonly object: ObjectDef;
  readonly programs: CompiledProgram[];
  readonly maps: MapDecl[];
  readonly diagnostics: Diagnostic[];
  /** Function name → IR text, when `dumpAfter` was given. */
  readonly dumps: Map<string, string>;
}

interface FunctionState {
  fn: IrFunction;
  frame?: Frame;
  items?: Item[];
  diags: Diagnostic[];
  moving: ReadonlySet<string>;
}

/** The per-function passes, in order (peggy's lesson: the pipeline is data). */
export const passes = [
  { name: 'simplify', run: (s: FunctionState) => simplify(s.fn) },
  { name: 'check-packet-pointers', run: (s: FunctionState) => void s.diags.push(...checkPacketPointers(s.fn, s.moving)) },
  { name: 'propagate', run: (s: FunctionState) => propagate(s.fn) },
  { name: 'share-slots', run: (s: FunctionState) => shareSlots(s.fn) },
  { name: 'expand-calls', run: (s: FunctionState) => expandCalls(s.fn) },
  { name: 'allocate-registers', run: (s: FunctionState) => void allocateRegisters(s.fn) },
  { name: 'layout-frame', run: (s: FunctionState) => void ((s.frame = layoutFrame(s.fn)), s.diags.push(...checkFrame(s.fn, s.frame))) },
  { name: 'select-instructions', run: (s: FunctionState) => void (s.items = selectInstructions(s.fn, s.frame!)) },
] as const;

export type PassName = (typeof passes)[number]['name'];

/** Copies and constant offsets, until nothing changes (each round can expose more). */
function propagate(fn: IrFunction): void {
  for (let i = 0; i < 8; i++) {
    let changed = eliminateCommonSubexpressions(fn);
    changed = dropUselessMasks(fn) || changed;
    changed = foldBoundedBranches(fn) || changed;
    changed = propagateCopies(fn) || changed;
    changed = foldOffsets(fn) || changed;
    if (!changed) return;
    simplify(fn);
  }
}

export function compileFiles(paths: string[], opts: CompileOptions = {}): CompileResult {
  const set = openProject();
  return compileSources(set, addFiles(set, paths), opts);
}

export function compileSources(set: SourceSet, entries: SourceFile[], opts: CompileOptions = {}): CompileResult {
  const fe = frontend(set, entries, { config: opts.config, only: opts.only });
  const diagnostics = [...fe.diagnostics];
  const dumps = new Map<string, string>();
  const empty = (): CompileResult => ({ object: { programs: [], functions: [], maps: [] }, programs: [], maps: fe.maps, diagnostics: diagnostics.sort(compareDiagnostics), dumps });
  if (diagnostics.some((d) => d.severity === 'error')) return empty();

  const states = new Map<string, FunctionState>();
  const run = (fn: IrFunction): FunctionState => {
    const known = states.get(fn.name);
    if (known) return known;
    const s: FunctionState = { fn, diags: [], moving: fe.movingSubprograms };
    for (const p of passes) {
      p.run(s);
      if (opts.dumpAfter === p.name) dumps.set(fn.name, printFunction(fn));
    }
    for (const d of s.diags) diagnostics.push(d);
    states.set(fn.name, s);
    return s;
  };

  const programs: ProgramDef[] = [];
  const functions = new Map<string, FunctionDef>();
  const compiled: CompiledProgram[] = [];
  for (const p of fe.programs) {
    const main = run(p.ir.main);
    const subs = p.ir.subprograms.map(run);
    programs.push({ name: p.ir.main.name, section: p.section, items: main.items!, source: p.ir.main.loc });
    for (const s of subs) functions.set(s.fn.name, { name: s.fn.name, items: s.items!, params: s.fn.paramCount, source: s.fn.loc });
    for (const d of callChain(p, states)) diagnostics.push(d);
    compiled.push({
      name: p.ir.main.name,
      section: p.section,
      progType: p.info.progType,
      expectedAttachType: p.info.expectedAttachType,
      stackSize: main.frame!.size,
    });
  }
  if (diagnostics.some((d) => d.severity === 'error')) return empty();
  return {
    object: { programs, functions: [...functions.values()], maps: fe.maps.map(mapDef) },
    programs: compiled,
    maps: fe.maps,
    diagnostics: diagnostics.sort(compareDiagnostics),
    dumps,
  };
}

function callChain(p: FrontendProgram, states: Map<string, FunctionState>): Diagnostic[] {
  const frames = new Map([...states].map(([n, s]) => [n, s.frame!]));
  const callees = new Map(
    [...states].map(([n, s]) => [n, s.fn.blocks.flatMap((b) => b.insts.flatMap((i) => (i.op === 'calllocal' ? [i.fn] : [])))]),
  );
  return checkCallChain(p.ir.main, frames, callees);
}

/** A BPF-TS memory type as the C type BTF describes (so bpftool prints map entries by field). */
export function ctypeOf(t: MemType): ctype.CType {
  switch (t.kind) {
    case 'int':
      return ({ u8: ctype.u8, u16: ctype.u16, u32: ctype.u32, u64: ctype.u64, i8: ctype.s8, i16: ctype.s16, i32: ctype.s32, i64: ctype.s64, be16: ctype.be16, be32: ctype.be32 } as const)[t.name];
    case 'bool':
      return { kind: 'int', name: '_Bool', size: 1, signed: false, bool: true };
    case 'array':
      return ctype.array(ctypeOf(t.elem), t.length);
    case 'struct': {
      // Fields sharing an offset (a kernel union) cannot be struct members side by side in BTF:
      // the later ones are left out, the bytes stay described by the first.
      const members: { name: string; type: ctype.CType; offset: number }[] = [];
      let end = 0;
      for (const f of t.fields) {
        if (f.offset < end) continue;
        const type = ctypeOf(f.type);
        members.push({ name: f.name, type, offset: f.offset });
        end = f.offset + ctype.sizeOf(type);
      }
      return ctype.struct(t.name, members, t.size);
    }
  }
}

function mapDef(m: MapDecl): MapDef {
  return {
    name: m.name,
    type: m.kind,
    key: ctypeOf(m.key),
    value: ctypeOf(m.value),
    maxEntries: m.maxEntries,
    ...(m.flags ? { flags: m.flags } : {}),
    pinning: m.pinning === 'byName' ? 'by_name' : 'none',
  };
}
