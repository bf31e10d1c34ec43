// Fuzzing: random and byte-flipped programs must never crash or hang the verifier; each gets a
// verdict within the kernel's processed-instruction limit (a count, not a clock: the machine is
// shared, so speed is the bench's business). A fixed seed in the suite; SWITCHYARD_FUZZ=N runs N programs (and a different seed
// with SWITCHYARD_FUZZ_SEED) for a longer search.

import test from 'ava';
import { loadVerifier } from '../../verifier/verifier.ts';
import { loadCorpus } from './corpus.ts';
import { flipBytes, randomProgram, Rng } from './random-program.ts';

const count = Number(process.env.SWITCHYARD_FUZZ ?? 3000);
const seed = Number(process.env.SWITCHYARD_FUZZ_SEED ?? 7);
/** The kernel's BPF_COMPLEXITY_LIMIT_INSNS: a verifier that goes past it would never stop on a loop. */
const LIMIT = 1_000_000;

test(`${count} random and byte-flipped programs get a verdict within the 1M-instruction limit`, async (t) => {
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
      // Stopping at the limit counts the instruction that crossed it, as the kernel's log does.
      if (verdict.processed > LIMIT + 1) t.fail(`${input.name} (seed ${seed}) processed ${verdict.processed} instructions, over the limit of ${LIMIT}`);
      if (!verdict.ok && verdict.message === '') t.fail(`${input.name}: refused without a message`);
    } catch (e) {
      t.fail(`${input.name} (seed ${seed}) crashed the verifier: ${(e as Error).message}`);
      return;
    }
    const ms = performance.now() - t0;
    slowest = Math.max(slowest, ms);
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  t.log(`verdicts: ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}; slowest ${slowest.toFixed(1)} ms`);
  t.true((kinds.get('accepted') ?? 0) > 0, 'no random program passed: the generator is too far off to be useful');
});
