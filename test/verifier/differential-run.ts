// The differential run over everything we have: the hand-written corpus and its mutants,
// Switchyard's programs (strict and loose) and their mutants, clang-built programs and theirs,
// the clang corpus loaded as libbpf loads it, and fuzz. Each program goes to this kernel and to
// the WebAssembly verifier; the result is one Tally per source, formatted as issue 13 asks:
// unsound accepts (must be 0), false alarms, "unsupported", first error at the same instruction,
// strict-alignment agreement. Used by differential-report.ts (the command) and its test.

import type { VerifyInput } from '../../verifier/input.ts';
import { kernelVerdict, kernelVerify } from '../../verifier/kernel.ts';
import { libbpfOracleUnavailableReason } from '../../verifier/libbpf-oracle.ts';
import type { WasmVerifier } from '../../verifier/verifier.ts';
import { clangCorpusFigures } from './clang-corpus-report.ts';
import { clangInputs, clangUnavailableReason } from './clang-objects.ts';
import { loadCorpus } from './corpus.ts';
import { addTally, newTally, summary, tallyProgram, type Tally } from './differential.ts';
import { mutate } from './mutants.ts';
import { flipBytes, plausibleProgram, randomProgram, Rng } from './random-program.ts';
import { switchyardInputs } from './switchyard-programs.ts';

/** Refusals compared for the first-error figure: the kernel walked at most this many instructions. */
export const FIRST_ERROR_MAX_WALK = 2000;

export interface DifferentialOptions {
  fuzz: number;
  seed: number;
  /** Mutants per operator of each Switchyard and clang-built program (mutants.ts; default all). */
  mutantsPerOperator?: number;
  /** Called as each source finishes (progress for the command). */
  onSource?: (label: string, t: Tally) => void;
}

export interface DifferentialResult {
  rows: [string, Tally][];
  /** Every program of every row. */
  total: Tally;
  /** The programs loaded with BPF_F_STRICT_ALIGNMENT, across rows. */
  strict: Tally;
  /** False alarms by first message line, numbers folded to N. */
  falseAlarmReasons: Map<string, number>;
  /** Sources left out, with the reason (no clang, no libbpf). */
  skipped: string[];
}

export function runDifferential(v: WasmVerifier, o: DifferentialOptions): DifferentialResult {
  const res: DifferentialResult = { rows: [], total: newTally(), strict: newTally(), falseAlarmReasons: new Map(), skipped: [] };
  const add = (label: string, t: Tally): void => {
    res.rows.push([label, t]);
    addTally(res.total, t);
    o.onSource?.(label, t);
  };
  const run = (label: string, inputs: Iterable<VerifyInput>): void => {
    const t = newTally();
    for (const input of inputs) {
      const ours = v.verify(input);
      const k = kernelVerdict(input);
      const detail = {
        // A second load logged at level 1, so kept to refusals after a short walk: the log grows
        // with every instruction walked (thousands of mutants of large programs would take hours).
        log: () => ((k.processed ?? Infinity) <= FIRST_ERROR_MAX_WALK ? kernelVerify(input).log : ''),
        reason: () => kernelVerify(input).reason,
      };
      const accepted = k.accepted;
      const a = tallyProgram(t, `${label}: ${input.name}`, accepted, ours, detail);
      if (input.strictAlignment) tallyProgram(res.strict, `${label}: ${input.name}`, accepted, ours, detail);
      if (a === 'false-alarm') {
        const why = ours.message.split('\n')[0]!.replace(/\d+/g, 'N');
        res.falseAlarmReasons.set(why, (res.falseAlarmReasons.get(why) ?? 0) + 1);
      }
    }
    add(label, t);
  };

  const corpus = loadCorpus();
  run('hand-written corpus', corpus.map((c) => ({ ...c.input, name: c.id })));
  const corpusAccepted = corpus.filter((c) => c.expect === 'accept').map((c) => ({ ...c.input, name: c.id }));
  run('mutants of accepted corpus cases', corpusAccepted.flatMap((i) => mutate(i, 3).map((m) => m.input)));

  const sy = switchyardInputs();
  const syLoose = sy.map((i) => ({ ...i, name: `${i.name} (loose)`, strictAlignment: false }));
  run('Switchyard programs (strict alignment)', sy);
  run('Switchyard programs (no strict alignment)', syLoose);
  run('mutants of Switchyard programs', syLoose.flatMap((i) => mutate(i, o.mutantsPerOperator).map((m) => m.input)));

  const clangReason = clangUnavailableReason();
  if (clangReason) res.skipped.push(`clang-built programs: ${clangReason}`);
  else {
    const clang = clangInputs();
    run('clang-built programs', clang);
    run('mutants of clang-built programs', clang.filter((i) => !i.strictAlignment).flatMap((i) => mutate(i, o.mutantsPerOperator).map((m) => m.input)));
  }

  // The clang corpus goes through the libbpf-style oracle (BTF, func info, .rodata frozen), as a
  // user's loader would load it.
  const oracleReason = clangReason ?? libbpfOracleUnavailableReason();
  if (oracleReason) res.skipped.push(`clang corpus: ${oracleReason}`);
  else {
    const f = clangCorpusFigures(v);
    add('clang corpus (loaded by libbpf)', f.loose);
    add('clang corpus (loaded by libbpf, strict alignment)', f.strict);
    addTally(res.strict, f.strict);
    res.skipped.push(...f.skipped.map((s) => `clang corpus file ${s}`));
  }

  const r = new Rng(o.seed);
  const pool = corpus.filter((c) => c.input.insns.length < 800).map((c) => c.input);
  function* fuzz(): Generator<VerifyInput> {
    for (let i = 0; i < o.fuzz; i++) {
      yield i % 3 === 0 ? plausibleProgram(r, i) : i % 3 === 1 ? randomProgram(r, i) : flipBytes(r, r.pick(pool), i);
    }
  }
  run(`fuzz (seed ${o.seed})`, fuzz());
  return res;
}

const pct = (n: number, of: number): string => (of ? `${((100 * n) / of).toFixed(1)}%` : '-');

/** The report as Markdown lines: one row per source, then the summary issue 13 asks for. */
export function formatDifferential(res: DifferentialResult, verbose = false): string[] {
  const out: string[] = [];
  out.push('## Differential report: this kernel against the WebAssembly verifier', '');
  out.push('| source | programs | kernel accepts | agreement | unsound accepts | false alarms | of which unsupported | both refuse: same first insn |');
  out.push('|---|---|---|---|---|---|---|---|');
  const row = (label: string, t: Tally): string =>
    `| ${label} | ${t.total} | ${t.agreeAccept + t.falseAlarms.length} | ${pct(t.agreeAccept + t.agreeReject, t.total)} | ${t.unsound.length} | ` +
    `${t.falseAlarms.length} | ${t.unsupported.length} | ${t.firstErrorSame} of ${t.firstErrorCompared} |`;
  for (const [label, t] of res.rows) out.push(row(label, t));
  out.push(row('**all**', res.total));
  const t = res.total;
  const s = res.strict;
  out.push('', '### Summary', '');
  out.push(`- unsound accepts: ${t.unsound.length}`);
  out.push(`- false alarms: ${t.falseAlarms.length} of ${t.agreeAccept + t.falseAlarms.length} programs the kernel accepts`);
  out.push(`- "unsupported" (false alarms naming a construct we do not model): ${t.unsupported.length}`);
  out.push(
    `- refused by both, first error at the same instruction: ${t.firstErrorSame} of ${t.firstErrorCompared} compared (${pct(t.firstErrorSame, t.firstErrorCompared)}; ` +
      `not compared: ${t.agreeReject - t.firstErrorCompared} of ${t.agreeReject}, where the kernel named no instruction or walked over ${FIRST_ERROR_MAX_WALK})`,
  );
  out.push(`- strict-alignment agreement: ${s.agreeAccept + s.agreeReject} of ${s.total} (${pct(s.agreeAccept + s.agreeReject, s.total)}), unsound ${s.unsound.length}`);
  out.push(`- ${summary(t)}`);
  if (res.falseAlarmReasons.size) {
    out.push('', 'False alarms by reason (all sources but the clang corpus):');
    for (const [why, n] of [...res.falseAlarmReasons].sort((a, b) => b[1] - a[1]).slice(0, 12)) out.push(`  ${String(n).padStart(5)}  ${why}`);
  }
  if (res.skipped.length) {
    out.push('', 'Left out:');
    for (const s of res.skipped) out.push(`  ${s}`);
  }
  if (verbose) {
    for (const a of t.falseAlarms) out.push(`  false alarm: ${a}`);
    for (const e of t.firstErrorElsewhere) out.push(`  first error elsewhere: ${e}`);
  }
  if (t.unsound.length) {
    out.push('', 'UNSOUND ACCEPTS (the kernel refuses these; the wasm verifier must too):');
    for (const u of t.unsound) out.push(`  ${u}`);
  }
  return out;
}
