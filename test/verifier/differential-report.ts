// The differential report: every program we have, verified by this kernel and by the wasm
// verifier, side by side. Prints the agreement rate, unsound accepts (the kernel refuses, we
// accept: must be 0) and false alarms (we refuse what the kernel accepts), per source.
//   npx tsx test/verifier/differential-report.ts [--fuzz N] [--seed S] [--verbose]
// Needs root (BPF_PROG_LOAD); exits 1 when any accept is unsound.

import type { VerifyInput } from '../../verifier/input.ts';
import { kernelVerdict, kernelVerify } from '../../verifier/kernel.ts';
import { loadVerifier } from '../../verifier/verifier.ts';
import { libbpfOracleUnavailableReason } from '../../verifier/libbpf-oracle.ts';
import { clangCorpusFigures, type ClangCorpusFigures } from './clang-corpus-report.ts';
import { clangInputs, clangUnavailableReason } from './clang-objects.ts';
import { loadCorpus } from './corpus.ts';
import { classify, count, newTally, summary, type Tally } from './differential.ts';
import { mutate } from './mutants.ts';
import { flipBytes, plausibleProgram, randomProgram, Rng } from './random-program.ts';
import { switchyardInputs } from './switchyard-programs.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const fuzzCount = opt('fuzz', 2000);
const seed = opt('seed', 1);
const verbose = args.includes('--verbose');

// A trivial program that must load: if it does not, the kernel is out of reach.
const probe = kernelVerify({ name: 'probe', progType: 6, attachType: 0, insns: Uint8Array.of(0xb7, 0, 0, 0, 2, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0), maps: [], strictAlignment: false });
if (!probe.accepted) {
  console.error(`differential report: the kernel refuses even a trivial program (${probe.reason}); run as root with CAP_BPF`);
  process.exit(2);
}

const v = await loadVerifier();
const rows: [string, Tally][] = [];
const falseAlarmReasons = new Map<string, number>();
const unsound: string[] = [];

function run(label: string, inputs: Iterable<VerifyInput>): void {
  const t = newTally();
  for (const input of inputs) {
    const k = kernelVerdict(input);
    const w = v.verify(input);
    const a = classify(k.accepted, w);
    count(t, a, input.name);
    if (a === 'unsound-accept') unsound.push(`${label}: ${input.name}: kernel refuses: ${kernelVerify(input).reason}`);
    if (a === 'false-alarm') {
      const why = w.message.split('\n')[0]!.replace(/\d+/g, 'N');
      falseAlarmReasons.set(why, (falseAlarmReasons.get(why) ?? 0) + 1);
      if (verbose) console.log(`  false alarm: ${label}: ${input.name}: ${w.message.split('\n')[0]}`);
    }
  }
  rows.push([label, t]);
  process.stderr.write(`${label}: ${summary(t)}\n`);
}

const corpus = loadCorpus();
run('hand-written corpus', corpus.map((c) => ({ ...c.input, name: c.id })));
const corpusAccepted = corpus.filter((c) => c.expect === 'accept').map((c) => ({ ...c.input, name: c.id }));
run('mutants of accepted corpus cases', corpusAccepted.flatMap((i) => mutate(i, 3).map((m) => m.input)));

const sy = switchyardInputs();
const syLoose = sy.map((i) => ({ ...i, name: `${i.name} (loose)`, strictAlignment: false }));
run('Switchyard programs (strict alignment)', sy);
run('Switchyard programs (no strict alignment)', syLoose);
run('mutants of Switchyard programs', syLoose.flatMap((i) => mutate(i).map((m) => m.input)));

const clangReason = clangUnavailableReason();
if (clangReason) process.stderr.write(`clang programs skipped: ${clangReason}\n`);
else {
  const clang = clangInputs();
  run('clang-built programs', clang);
  run('mutants of clang-built programs', clang.filter((i) => !i.strictAlignment).flatMap((i) => mutate(i).map((m) => m.input)));
}

// The clang corpus goes through the libbpf-style oracle (BTF, func info, .rodata frozen), as a
// user's loader would load it.
let corpusFigures: ClangCorpusFigures | undefined;
const oracleReason = clangReason ?? libbpfOracleUnavailableReason();
if (oracleReason) process.stderr.write(`clang corpus skipped: ${oracleReason}\n`);
else {
  corpusFigures = clangCorpusFigures(v);
  rows.push(['clang corpus (loaded by libbpf)', corpusFigures.loose]);
  rows.push(['clang corpus (loaded by libbpf, strict alignment)', corpusFigures.strict]);
  for (const u of [...corpusFigures.loose.unsound, ...corpusFigures.strict.unsound]) unsound.push(`clang corpus: ${u}`);
  process.stderr.write(`clang corpus: ${summary(corpusFigures.loose)}\n`);
}

const r = new Rng(seed);
const pool = corpus.filter((c) => c.input.insns.length < 800).map((c) => c.input);
function* fuzz(): Generator<VerifyInput> {
  for (let i = 0; i < fuzzCount; i++) {
    yield i % 3 === 0 ? plausibleProgram(r, i) : i % 3 === 1 ? randomProgram(r, i) : flipBytes(r, r.pick(pool), i);
  }
}
run(`fuzz (seed ${seed})`, fuzz());

const total = newTally();
const pct = (t: Tally) => (t.total ? ((100 * (t.agreeAccept + t.agreeReject)) / t.total).toFixed(1) + '%' : '-');
console.log('\n## Differential report: this kernel against the WebAssembly verifier\n');
console.log('| source | programs | kernel accepts | agreement | unsound accepts | false alarms |');
console.log('|---|---|---|---|---|---|');
for (const [label, t] of rows) {
  console.log(`| ${label} | ${t.total} | ${t.agreeAccept + t.falseAlarms.length} | ${pct(t)} | ${t.unsound.length} | ${t.falseAlarms.length} |`);
  total.total += t.total;
  total.agreeAccept += t.agreeAccept;
  total.agreeReject += t.agreeReject;
  total.unsound.push(...t.unsound);
  total.falseAlarms.push(...t.falseAlarms);
}
console.log(`| **all** | ${total.total} | ${total.agreeAccept + total.falseAlarms.length} | ${pct(total)} | ${total.unsound.length} | ${total.falseAlarms.length} |`);
console.log(`\n${summary(total)}`);
if (falseAlarmReasons.size) {
  console.log('\nFalse alarms by reason:');
  for (const [why, n] of [...falseAlarmReasons].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${String(n).padStart(5)}  ${why}`);
}
if (corpusFigures) {
  const f = corpusFigures;
  const strictAgree = f.strict.agreeAccept + f.strict.agreeReject;
  console.log('\n## The clang corpus (test/verifier/clang-corpus/), loaded as libbpf loads it\n');
  console.log('| figure | count |');
  console.log('|---|---|');
  console.log(`| programs | ${f.loose.total} |`);
  console.log(`| unsound accepts | ${f.loose.unsound.length} |`);
  console.log(`| false alarms | ${f.loose.falseAlarms.length} |`);
  console.log(`| of which "unsupported" | ${f.unsupported.length} |`);
  console.log(`| refused by both, first error at the same instruction | ${f.sameFirstInsn} of ${f.bothReject} |`);
  console.log(`| strict-alignment agreement | ${strictAgree} of ${f.strict.total} (unsound ${f.strict.unsound.length}) |`);
  if (f.skipped.length) console.log(`| files this clang cannot build | ${f.skipped.length} |`);
  if (verbose) {
    for (const a of f.loose.falseAlarms) console.log(`  false alarm: ${a}`);
    for (const o of f.otherFirstInsn) console.log(`  first error elsewhere: ${o}`);
    for (const s of f.skipped) console.log(`  skipped: ${s}`);
  }
}
if (unsound.length) {
  console.log('\nUNSOUND ACCEPTS (the kernel refuses these; the wasm verifier must too):');
  for (const u of unsound) console.log(`  ${u}`);
  process.exitCode = 1;
}
