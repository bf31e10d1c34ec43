// Fuzzing: random and byte-flipped programs must never crash or hang the verifier; each gets a
// verdict. A fixed seed in the suite; SWITCHYARD_FUZZ=N runs N programs (and a different seed
// with SWITCHYARD_FUZZ_SEED) for a longer search.

import test from 'ava';
import { loadVerifier } from '../../verifier/verifier.ts';
import { loadCorpus } from './corpus.ts';
import { flipBytes, randomProgram, Rng } from './random-program.ts';

const count = Number(process.env.SWITCHYARD_FUZZ ?? 3000);
const seed = Number(process.env.SWITCHYARD_FUZZ_SEED ?? 7);

test(`${count} random and byte-flipped programs get a verdict, none takes over a second`, async (t) => {
  const v = await loadVerifier();
  const corpus = loadCorpus().filter((c) => c.input.insns.length < 800);
  const r = new Rng(seed);
  const kinds = new Map<string, number>();
  let slowest = 0;
  for (let i = 0; i < count; i++) {
    const input = i % 2 === 0 ? randomProgram(r, i) : flipBytes(r, r.pick(corpus).input, i);
    const t0 = performance.now();
    let kind: string;
    try {
      const verdict = v.verify(input);
      kind = verdict.kind;
      if (!verdict.ok && verdict.message === '') t.fail(`${input.name}: refused without a message`);
    } catch (e) {
      t.fail(`${input.name} (seed ${seed}) crashed the verifier: ${(e as Error).message}`);
      return;
    }
    const ms = performance.now() - t0;
    slowest = Math.max(slowest, ms);
    if (ms > 1000) t.fail(`${input.name} (seed ${seed}) took ${ms.toFixed(0)} ms`);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  t.log(`verdicts: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}; slowest ${slowest.toFixed(1)} ms`);
  t.true((kinds.get('accepted') ?? 0) > 0, 'no random program passed: the generator is too far off to be useful');
});
