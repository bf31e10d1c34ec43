// Verification time: the WebAssembly verifier against this kernel's own verifier (the
// `verification time N usec` of its log), program by program on the same inputs, side by side.
// Target: the wasm verifier takes no longer than the kernel (ratio <= 1x).
// Medians of repeated runs (the machine is shared); wasm instantiation is reported apart.

import type { BenchResult } from './run.ts';
import type { VerifyInput } from '../../verifier/input.ts';
import { kernelVerify } from '../../verifier/kernel.ts';
import { loadVerifier, WasmVerifier } from '../../verifier/verifier.ts';
import { readFileSync } from 'node:fs';
import { wasmPath } from '../../verifier/build.ts';
import { clangInputs, clangUnavailableReason } from '../verifier/clang-objects.ts';
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

export default async (): Promise<BenchResult> => {
  const v = await loadVerifier();
  const inputs: VerifyInput[] = [...switchyardInputs()];
  if (!clangUnavailableReason()) inputs.push(...clangInputs().filter((i) => !i.strictAlignment));
  const heavy = /thousand iterations|forty branches storing|thirty branches|huge trip count|nested bounded/;
  inputs.push(...loadCorpus().filter((c) => heavy.test(c.title)).map((c) => ({ ...c.input, name: `corpus: ${c.title}` })));

  const rows = [];
  let kernelTotal = 0;
  let wasmTotal = 0;
  let slower = 0;
  let logRatios = 0;
  for (const input of inputs) {
    const k = kernelVerify(input);
    const kernelUs = median(sample(() => kernelVerify(input).usec ?? NaN, 3, 300));
    const wasmUs = median(
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
    const w = v.verify(input);
    kernelTotal += kernelUs;
    wasmTotal += wasmUs;
    if (wasmUs > kernelUs) slower++;
    logRatios += Math.log(wasmUs / kernelUs);
    rows.push({
      label: input.name,
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
  const bytes = readFileSync(wasmPath);
  const instantiate = median(sample(() => {
    const t0 = process.hrtime.bigint();
    WasmVerifier.fromBytes(bytes);
    return Number(process.hrtime.bigint() - t0) / 1000;
  }, 5, 200));
  const ratio = wasmTotal / kernelTotal;
  rows.push({
    label: 'all programs',
    figures: { kernel: `${kernelTotal.toFixed(0)} us`, wasm: `${wasmTotal.toFixed(0)} us`, 'wasm / kernel': `${ratio.toFixed(2)}x` },
  });
  return {
    title: 'Verification time: WebAssembly verifier vs this kernel (medians)',
    rows,
    notes: [
      `target <= 1x over all programs: ${ratio <= 1 ? 'met' : 'not met'} (total ${ratio.toFixed(2)}x, geometric mean of the ratios ${Math.exp(logRatios / inputs.length).toFixed(2)}x); ${slower} of ${inputs.length} programs slower in wasm`,
      `instantiating the wasm module once: ${instantiate.toFixed(0)} us (${(bytes.length / 1024).toFixed(0)} KiB), not counted above`,
      'kernel figures are its log\'s "verification time"; wasm figures include copying the program across the boundary',
    ],
  };
};
