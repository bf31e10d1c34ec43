// Shared by the BPF-TS tests: compile a source text (in memory, inside compiler/datapath/ so
// that `./headers.ts` resolves), load one of its programs into the kernel with fresh maps,
// run it on packets with BPF_PROG_TEST_RUN, and close everything in the test's teardown.

import type { ExecutionContext } from 'ava';
import { compileSources, type CompileOptions, type CompileResult } from '../../compiler/lang/compile.ts';
import { addSource, openProject, type SourceSet } from '../../compiler/lang/front/source.ts';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { linkItems } from '../../compiler/bpf/link-items.ts';
import { encode } from '../../compiler/bpf/encode.ts';
import { mapCreate, progLoad, progTestRun, BpfCmd, type TestRunResult } from '../../runtime/sys/bpf.ts';
import { bpfSyscall, closeFd, addressOf } from '../../runtime/sys/syscall.ts';
import { requiredMapBtf } from '../../verifier/kernel.ts';

let shared: SourceSet | undefined;
let counter = 0;

/** One ts-morph project per test process: creating it costs more than compiling a program. */
export function project(): SourceSet {
  return (shared ??= openProject());
}

/** Compiles `text` as a BPF-TS file; the file name is unique per call. */
export function compile(text: string, opts: CompileOptions = {}, name = 'case'): CompileResult {
  const set = project();
  const file = addSource(set, `compiler/datapath/__test__/${name}-${process.pid}-${counter++}.ts`, text);
  try {
    return compileSources(set, [file], opts);
  } finally {
    set.project.removeSourceFile(file);
  }
}

/** Compiles and fails the test with the diagnostics if there are errors. */
export function compileOk(t: ExecutionContext, text: string, opts: CompileOptions = {}): CompileResult {
  const r = compile(text, opts);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) t.fail(`compile errors:\n${errors.map(formatDiagnostic).join('\n')}`);
  return r;
}

export interface Loaded {
  fd: number;
  log: string;
  maps: Map<string, number>;
  insns: number;
  run(data: Uint8Array, repeat?: number): TestRunResult;
}

/** Loads program `name` (default: the first) with a fresh fd for every map; closed at teardown. */
export function load(t: ExecutionContext, r: CompileResult, name?: string): Loaded {
  const p = name ? r.programs.find((x) => x.name === name) : r.programs[0];
  if (!p) throw new Error(`no program ${name ?? ''} in ${r.programs.map((x) => x.name).join(', ')}`);
  const maps = new Map<string, number>();
  for (const m of r.maps) {
    const fd = mapCreate({ type: m.mapType, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags, name: m.name, ...requiredMapBtf(m.mapType, m.valueSize) });
    maps.set(m.name, fd);
    t.teardown(() => closeFd(fd));
  }
  const enc = encode(linkItems(r.object, p.name), { maps });
  const res = progLoad({ type: p.progType, insns: enc.bytes, license: 'GPL', name: p.name, expectedAttachType: p.expectedAttachType, logLevel: 1 });
  t.teardown(() => closeFd(res.fd));
  return { fd: res.fd, log: res.log, maps, insns: enc.bytes.length / 8, run: (data, repeat = 1) => progTestRun(res.fd, { data, repeat }) };
}

/** The number the verifier logs as "processed N insns". */
export function processed(log: string): number {
  const m = /processed (\d+) insns/.exec(log);
  return m ? Number(m[1]) : NaN;
}

/** BPF_MAP_UPDATE_ELEM / LOOKUP_ELEM for tests that fill or read maps. */
export function mapUpdate(fd: number, key: Uint8Array, value: Uint8Array): void {
  const attr = Buffer.alloc(32);
  const k = Buffer.from(key);
  const v = Buffer.from(value);
  attr.writeUInt32LE(fd, 0);
  attr.writeBigUInt64LE(addressOf(k), 8);
  attr.writeBigUInt64LE(addressOf(v), 16);
  bpfSyscall('BPF_MAP_UPDATE_ELEM', BpfCmd.MAP_UPDATE_ELEM, attr);
}

export function mapLookup(fd: number, key: Uint8Array, valueSize: number): Uint8Array | undefined {
  const attr = Buffer.alloc(32);
  const k = Buffer.from(key);
  const v = Buffer.alloc(valueSize);
  attr.writeUInt32LE(fd, 0);
  attr.writeBigUInt64LE(addressOf(k), 8);
  attr.writeBigUInt64LE(addressOf(v), 16);
  try {
    bpfSyscall('BPF_MAP_LOOKUP_ELEM', BpfCmd.MAP_LOOKUP_ELEM, attr);
  } catch {
    return undefined;
  }
  return new Uint8Array(v);
}
