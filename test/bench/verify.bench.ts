// Verification time: the WebAssembly verifier against this kernel's own verifier (the
// `verification time N usec` of its log), program by program on the same inputs, side by side.
// Target: the wasm verifier takes no longer than the kernel (ratio <= 1x).
// Medians of repeated runs (the machine is shared); wasm instantiation is reported apart.
// Two kinds of input: programs handed to both as they are (ours, test/verifier/clang, the
// heavy kernel-syntax cases), and the clang corpus, whose kernel side is the libbpf-style oracle
// loading the object as a user's loader would (BTF, global functions, frozen .rodata) and whose
// wasm side is the same object through the shared linker; each has its subtotal.

import type { BenchResult } from './run.ts';
import type { VerifyInput } from '../../verifier/input.ts';
import { kernelVerify } from '../../verifier/kernel.ts';
import { loadVerifier, WasmVerifier } from '../../verifier/verifier.ts';
import { readFileSync } from 'node:fs';
import { wasmPath } from '../../verifier/build.ts';
import { clangInputs, clangUnavailableReason } from '../verifier/clang-objects.ts';
import { buildCorpusFile, checkObject, corpusClangUnavailableReason, loadClangCorpus, removeCorpusBuilds } from '../verifier/clang-corpus.ts';
import { libbpfOracleUnavailableReason, libbpfVerify } from '../../verifier/libbpf-oracle.ts';
import { loadCorpus } from '../verifier/corpus.ts';
import { switchyardInputs } from '../verifier/switchyard-programs.ts';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** Runs `f` at least `min` times and until `budgetMs` is spent; returns each run's microseconds. */
function sample(f: () => number, min: number, budgetMs: number): number[] {
  const out: number[] = [];
  const start = performance.now();
  while (out.length < min || (performance.now() - start < budgetMs && out.length < 50)) out.push(f());
  return out;
}

/** One program's figures, both verifiers on the same program. */
interface Timed {
  label: string;
  input: VerifyInput;
  kernel: { accepted: boolean; processed?: number | undefined };
  kernelUs: number;
}

function wasmMedianUs(v: WasmVerifier, input: VerifyInput): number {
  return median(
    sample(
      () => {
        const t0 = process.hrtime.bigint();
        v.verify(input);
        return Number(process.hrtime.bigint() - t0) / 1000;
      },
      3,
      300,
    ),
  );
}

/** The programs handed to the kernel as they are, through verifier/kernel.ts. */
function directPrograms(): Timed[] {
  const inputs: VerifyInput[] = [...switchyardInputs()];
  if (!clangUnavailableReason()) inputs.push(...clangInputs().filter((i) => !i.strictAlignment));
  const heavy = /thousand iterations|forty branches storing|thirty branches|huge trip count|nested bounded/;
  inputs.push(...loadCorpus().filter((c) => heavy.test(c.title)).map((c) => ({ ...c.input, name: `corpus: ${c.title}` })));
  return inputs.map((input) => ({
    label: input.name,
    input,
    kernel: kernelVerify(input),
    // Statistics only (log level 4): level 1 logs every instruction and inflates the kernel's time.
    kernelUs: median(sample(() => kernelVerify(input, 4).usec ?? NaN, 3, 300)),
  }));
}

/**
 * The clang corpus, loose alignment as its headers record verdicts: each object loaded through
 * the libbpf oracle at least three times (every run loads all its programs), the kernel's time
 * per program the median. Programs libbpf could not hand to the verifier, or that our reader
 * cannot take, are listed in `skipped`.
 */
function clangCorpusPrograms(v: WasmVerifier): { timed: Timed[]; skipped: string[] } {
  const why = corpusClangUnavailableReason() ?? libbpfOracleUnavailableReason();
  if (why) return { timed: [], skipped: [`all: ${why}`] };
  const timed: Timed[] = [];
  const skipped: string[] = [];
  try {
    for (const c of loadClangCorpus()) {
      const built = buildCorpusFile(c);
      if (!built.ok) {
        skipped.push(`${c.id}: ${built.skip}`);
        continue;
      }
      const runs: Array<Map<string, number | undefined>> = [];
      const start = performance.now();
      while (runs.length < 3 || (performance.now() - start < 300 && runs.length < 20)) {
        runs.push(new Map(libbpfVerify(built.object, { statsOnly: true }).map((k) => [`${k.section}/${k.name}`, k.usec])));
      }
      for (const r of checkObject(v, built.object, c.id, false)) {
        const key = `${r.kernel.section}/${r.kernel.name}`;
        const us = runs.map((m) => m.get(key)).filter((u): u is number => u !== undefined);
        if (!r.input || us.length === 0) {
          skipped.push(`${c.id} ${r.program}: ${!r.input ? r.ours.message.split('\n')[0] : `no kernel time (${r.kernel.reason})`}`);
          continue;
        }
        timed.push({ label: `clang corpus: ${c.id} ${r.program}`, input: r.input, kernel: r.kernel, kernelUs: median(us) });
      }
    }
  } finally {
    removeCorpusBuilds();
  }
  return { timed, skipped };
}

export default async (): Promise<BenchResult> => {
  const v = await loadVerifier();
  const groups = [
    { name: 'programs loaded as they are', timed: directPrograms() },
    { name: 'clang corpus', ...clangCorpusPrograms(v) },
  ];

  const rows = [];
  const notes: string[] = [];
  const all = { kernel: 0, wasm: 0, slower: 0, logRatios: 0, n: 0 };
  for (const g of groups) {
    const sum = { kernel: 0, wasm: 0, slower: 0 };
    for (const { label, input, kernel: k, kernelUs } of g.timed) {
      const wasmUs = wasmMedianUs(v, input);
      const w = v.verify(input);
      sum.kernel += kernelUs;
      sum.wasm += wasmUs;
      if (wasmUs > kernelUs) sum.slower++;
      all.logRatios += Math.log(wasmUs / kernelUs);
      rows.push({
        label,
        figures: {
          insns: String(input.insns.length / 8),
          'processed (kernel / wasm)': `${k.processed ?? '?'} / ${w.processed}`,
          verdict: k.accepted === w.ok ? (w.ok ? 'both accept' : 'both refuse') : w.ok ? 'UNSOUND' : 'false alarm',
          kernel: `${kernelUs.toFixed(0)} us`,
          wasm: `${wasmUs.toFixed(0)} us`,
          'wasm / kernel': `${(wasmUs / kernelUs).toFixed(2)}x`,
        },
      });
    }
    const ratio = sum.wasm / sum.kernel;
    rows.push({
      label: `${g.name} (${g.timed.length})`,
      figures: { kernel: `${sum.kernel.toFixed(0)} us`, wasm: `${sum.wasm.toFixed(0)} us`, 'wasm / kernel': `${ratio.toFixed(2)}x` },
    });
    notes.push(`${g.name}: total ${ratio.toFixed(2)}x; ${sum.slower} of ${g.timed.length} programs slower in wasm`);
    if ('skipped' in g && g.skipped.length) notes.push(`${g.name}: not timed: ${g.skipped.join('; ')}`);
    all.kernel += sum.kernel;
    all.wasm += sum.wasm;
    all.slower += sum.slower;
    all.n += g.timed.length;
  }
  const bytes = readFileSync(wasmPath);
  const instantiate = median(sample(() => {
    const t0 = process.hrtime.bigint();
    WasmVerifier.fromBytes(bytes);
    return Number(process.hrtime.bigint() - t0) / 1000;
  }, 5, 200));
  const ratio = all.wasm / all.kernel;
  rows.push({
    label: 'all programs',
    figures: { kernel: `${all.kernel.toFixed(0)} us`, wasm: `${all.wasm.toFixed(0)} us`, 'wasm / kernel': `${ratio.toFixed(2)}x` },
  });
  return {
    title: 'Verification time: WebAssembly verifier vs this kernel (medians)',
    rows,
    notes: [
      `target <= 1x over all programs: ${ratio <= 1 ? 'met' : 'not met'} (total ${ratio.toFixed(2)}x, geometric mean of the ratios ${Math.exp(all.logRatios / all.n).toFixed(2)}x); ${all.slower} of ${all.n} programs slower in wasm`,
      ...notes,
      `instantiating the wasm module once: ${instantiate.toFixed(0)} us (${(bytes.length / 1024).toFixed(0)} KiB), not counted above`,
      'kernel figures are its log\'s "verification time" at log level 4 (statistics only, no instruction log), for both kinds of input; wasm figures include copying the program across the boundary',
    ],
  };
};
