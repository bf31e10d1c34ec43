// Links one entry program of a BPF object as libbpf does before BPF_PROG_LOAD: the program, then
// every function it reaches through BPF-to-BPF calls or function addresses, relocated or not
// (local-calls.ts), each appended once in the order first reached, with the calls re-aimed at the
// copies. What a loader must still fill in (maps, global data, externs) is listed by final
// instruction index, and func/line info is rebased to match. The one linker of the runtime's
// loader and the verifier's object input; inert, it touches no kernel.

import type { BpfLineInfo, BpfObject, BpfProgram, BpfRelocation } from './bpf-object.ts';
import { pseudoSrc } from './bpf-uapi.ts';
import { unrelocatedCalls } from './local-calls.ts';

export class LinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LinkError';
  }
}

export interface LinkedFunction {
  program: BpfProgram;
  /** Its first slot in the linked program (0 for the entry). */
  start: number;
}

export interface LinkedProgram {
  entry: BpfProgram;
  /** The entry first, then each function appended, in layout order. */
  functions: LinkedFunction[];
  /** 8 bytes a slot. Calls and function addresses are final; the ld_imm64 of every map, data and
   *  extern reference is still as the object left it, for the loader to fill in. */
  insns: Uint8Array;
  /** ld_imm64 slots that load map `map` (of the object's `.maps`). */
  mapRefs: Array<{ insn: number; map: string }>;
  /** ld_imm64 slots that load the address of byte `offset` of global data section `section`. */
  dataRefs: Array<{ insn: number; section: string; offset: number }>;
  /** ld_imm64 slots that load a symbol the object does not define (kconfig or ksym). */
  externRefs: Array<{ insn: number; symbol: string }>;
  /** The BTF FUNC type id at each function's start; absent unless every function has one, as
   *  the kernel takes func info for all of a program's functions or for none. */
  funcInfo?: Array<{ insn: number; typeId: number }>;
  /** Every function's line info, slots counted from the linked program's start, in order. */
  lineInfo: BpfLineInfo[];
}

/** Links the entry program named `name`. Throws LinkError naming the object and program. */
export function linkProgram(obj: BpfObject, name: string): LinkedProgram {
  const byName = new Map(obj.programs.map((p) => [p.name, p]));
  const entry = byName.get(name);
  if (!entry || entry.role !== 'entry') {
    const entries = obj.programs.filter((p) => p.role === 'entry').map((p) => p.name);
    throw new LinkError(`${obj.source}: no entry program ${name} (it has ${entries.join(', ') || 'none'})`);
  }
  const fail = (message: string): never => {
    throw new LinkError(`${obj.source}: program ${entry.name}: ${message}`);
  };

  // Each function's references in instruction order (libbpf's order of appending): relocations
  // plus the calls clang resolved itself within a section.
  const refs = new Map<BpfProgram, BpfRelocation[]>();
  const refsOf = (p: BpfProgram): BpfRelocation[] => {
    let r = refs.get(p);
    if (!r) {
      r = [...p.relocations, ...unrelocatedCalls(p, obj.programs, fail)].sort((x, y) => x.insn - y.insn);
      refs.set(p, r);
    }
    return r;
  };

  const functions: LinkedFunction[] = [{ program: entry, start: 0 }];
  const start = new Map<string, number>([[entry.name, 0]]);
  let slots = entry.insns.length / 8;
  for (let i = 0; i < functions.length; i++) {
    for (const r of refsOf(functions[i]!.program)) {
      if ((r.kind !== 'call' && r.kind !== 'func') || start.has(r.function)) continue;
      const fn = byName.get(r.function) ?? fail(`calls ${r.function}, which the object does not define`);
      start.set(fn.name, slots);
      functions.push({ program: fn, start: slots });
      slots += fn.insns.length / 8;
    }
  }

  const insns = new Uint8Array(slots * 8);
  const view = new DataView(insns.buffer);
  const linked: LinkedProgram = { entry, functions, insns, mapRefs: [], dataRefs: [], externRefs: [], lineInfo: [] };
  for (const { program: p, start: base } of functions) {
    insns.set(p.insns, base * 8);
    for (const r of refsOf(p)) {
      const at = base + r.insn;
      if (r.kind === 'map') linked.mapRefs.push({ insn: at, map: r.map });
      else if (r.kind === 'data') linked.dataRefs.push({ insn: at, section: r.section, offset: r.offset });
      else if (r.kind === 'extern') linked.externRefs.push({ insn: at, symbol: r.symbol });
      else {
        // A call's imm and a function address's imm both count slots from the next instruction.
        view.setInt32(at * 8 + 4, start.get(r.function)! + r.functionInsn - (at + 1), true);
        if (r.kind === 'func') insns[at * 8 + 1] = (insns[at * 8 + 1]! & 0x0f) | (pseudoSrc.FUNC << 4);
      }
    }
    for (const l of p.lineInfo) linked.lineInfo.push({ ...l, insn: base + l.insn });
  }
  if (functions.every((f) => f.program.btfFuncId !== undefined)) {
    linked.funcInfo = functions.map((f) => ({ insn: f.start, typeId: f.program.btfFuncId! }));
  }
  return linked;
}
