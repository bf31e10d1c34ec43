// One entry program of a BPF object, linked (format/link-program.ts), translated to
// WebAssembly, assembled with wabt and instantiated against a node's memory and helpers. Its
// `run` enters the program with the context at CTX_BASE and returns the 32-bit return value.

import type { BpfObject } from '../format/bpf-object.ts';
import { linkProgram, type LinkedProgram } from '../format/link-program.ts';
import { sectionKind } from '../format/bpf-object-sections.ts';
import { contextKindOf, type ContextKind } from './context.ts';
import { CTX_BASE, TRACE_BASE } from './layout.ts';
import type { SimEnv } from './env.ts';
import { helpers as helperTable, UnknownHelperError } from './helpers/table.ts';
import { translateProgram } from './translate/module.ts';
import type { Block } from './translate/slots.ts';
import { assemble } from './wat.ts';

export interface ProgramRefs {
  /** ld_imm64 of map `map`: the value it loads (a map handle). */
  mapValue(map: string): bigint;
  dataAddress(section: string, offset: number): bigint;
}

export interface SimProgram {
  name: string;
  section: string;
  kind: ContextKind;
  linked: LinkedProgram;
  /** Runs the program on the context at CTX_BASE; the return value as the kernel reports it (u32). */
  run(): number;
  /** The instruction slots executed by the last run, in order (traced programs only). */
  pcs(): number[];
  /** The WebAssembly text, for debugging the translator. */
  wat: string;
}

export async function loadProgram(obj: BpfObject, name: string, env: SimEnv, refs: ProgramRefs, trace: boolean): Promise<SimProgram> {
  const entry = obj.programs.find((p) => p.name === name);
  const kindInfo = entry?.kind ?? sectionKind(entry?.section ?? '');
  const kind = kindInfo ? contextKindOf(kindInfo.progType) : undefined;
  const linked = linkProgram(obj, name);
  if (!kind) throw new Error(`program ${name}: section ${linked.entry.section} is not a program type the simulator runs (xdp, tc, cgroup socket hooks)`);
  const t = translateProgram(linked, { ...refs, trace });
  const imports: Record<string, (...a: number[]) => number> = {};
  for (const id of t.helpers) {
    const h = helperTable.get(id);
    if (!h) throw new UnknownHelperError(name, id);
    imports[`h${id}`] = (a1, a2, a3, a4, a5) => h(env, a1!, a2!, a3!, a4!, a5!);
  }
  const module = await assemble(`${name}.wat`, t.wat);
  const instance = new WebAssembly.Instance(module, { env: { memory: env.mem.memory }, helpers: imports });
  const run = instance.exports.run as (ctx: number) => number;
  const count = instance.exports.trace_count as WebAssembly.Global;
  const ctx = CTX_BASE;
  return {
    name,
    section: linked.entry.section,
    kind,
    linked,
    wat: t.wat,
    run() {
      if (trace) count.value = 0;
      return run(ctx) >>> 0;
    },
    pcs: () => expandTrace(env, t.blocks, trace ? (count.value as number) : 0),
  };
}

function expandTrace(env: SimEnv, blocks: Map<number, Block>, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const b = blocks.get(env.mem.dv.getUint32(TRACE_BASE + i * 4, true))!;
    for (const s of b.slots) out.push(s.at);
  }
  return out;
}
