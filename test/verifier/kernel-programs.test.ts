// The differential harness on real programs: every program Switchyard generates (strict
// alignment and not), clang-built programs, their mutants, and a fixed-seed batch of fuzzed
// programs, each loaded into this kernel and verified by the wasm verifier. No program the
// kernel refuses may pass; false alarms are logged (the report script lists them).

import type { ExecutionContext } from 'ava';
import type { VerifyInput } from '../../verifier/input.ts';
import { kernelVerdict } from '../../verifier/kernel.ts';
import { loadVerifier } from '../../verifier/verifier.ts';
import { kernelTest } from '../helpers/kernel.ts';
import { clangInputs } from './clang-objects.ts';
import { loadCorpus } from './corpus.ts';
import { classify, count, newTally, summary } from './differential.ts';
import { mutate } from './mutants.ts';
import { flipBytes, plausibleProgram, randomProgram, Rng } from './random-program.ts';
import { switchyardInputs } from './switchyard-programs.ts';

async function differential(t: ExecutionContext, inputs: VerifyInput[]): Promise<void> {
  const v = await loadVerifier();
  const tally = newTally();
  for (const input of inputs) count(tally, classify(kernelVerdict(input).accepted, v.verify(input)), input.name);
  t.log(summary(tally));
  if (tally.falseAlarms.length) t.log(`false alarms: ${tally.falseAlarms.slice(0, 10).join('; ')}`);
  t.deepEqual(tally.unsound, [], 'programs the kernel refuses passed the wasm verifier');
}

kernelTest('Switchyard programs and their mutants: nothing the kernel refuses passes', async (t) => {
  const sy = switchyardInputs();
  t.true(sy.length > 0, 'no Switchyard program compiled');
  const loose = sy.map((i) => ({ ...i, strictAlignment: false }));
  // A few mutants per operator and program keep this test within the suite's time; the report
  // script takes them all.
  await differential(t, [...sy, ...loose, ...loose.flatMap((i) => mutate(i, 4).map((m) => m.input))]);
});

kernelTest('clang-built programs and their mutants: nothing the kernel refuses passes', async (t) => {
  const clang = clangInputs();
  const v = await loadVerifier();
  // Each of these is accepted by this kernel: the wasm verifier must accept it too.
  t.deepEqual(clang.filter((i) => !v.verify(i).ok).map((i) => i.name), []);
  await differential(t, [...clang, ...clang.filter((i) => !i.strictAlignment).flatMap((i) => mutate(i, 8).map((m) => m.input))]);
}, ['clang']);

kernelTest('a fixed-seed batch of fuzzed programs: nothing the kernel refuses passes', async (t) => {
  const r = new Rng(42);
  const pool = loadCorpus().filter((c) => c.input.insns.length < 800).map((c) => c.input);
  const inputs: VerifyInput[] = [];
  for (let i = 0; i < 600; i++) inputs.push(i % 3 === 0 ? plausibleProgram(r, i) : i % 3 === 1 ? randomProgram(r, i) : flipBytes(r, r.pick(pool), i));
  await differential(t, inputs);
});
