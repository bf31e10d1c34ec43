// The differential harness against this kernel: each corpus case loaded with BPF_PROG_LOAD
// (BPF_F_STRICT_ALIGNMENT where the case asks for it) and verified by the wasm verifier. The
// corpus must say what the kernel says, and no refused program may pass the wasm verifier.

import { kernelTest } from '../helpers/kernel.ts';
import { loadVerifier } from '../../verifier/verifier.ts';
import { loadCorpus } from './corpus.ts';
import { kernelVerify } from '../../verifier/kernel.ts';
import { classify, count, newTally, summary } from './differential.ts';

const cases = loadCorpus();
const files = [...new Set(cases.map((c) => c.file))];

for (const file of files) {
  kernelTest(`corpus ${file}: the kernel agrees with each case and nothing it refuses passes`, async (t) => {
    const v = await loadVerifier();
    const tally = newTally();
    const wrongExpect: string[] = [];
    for (const c of cases.filter((x) => x.file === file)) {
      const k = kernelVerify(c.input);
      if ((k.accepted ? 'accept' : 'reject') !== c.expect) {
        wrongExpect.push(`${c.title}: corpus says ${c.expect}, kernel ${k.accepted ? 'accepts' : `refuses: ${k.reason}`}`);
      }
      count(tally, classify(k.accepted, v.verify(c.input)), c.title);
    }
    t.log(summary(tally));
    t.deepEqual(wrongExpect, []);
    t.deepEqual(tally.unsound, []);
  });
}
