// The whole differential run (differential-run.ts) as one test: every source against this
// kernel, the report issue 13 asks for printed in the test's log, and a failure on any unsound
// accept. Fuzz and the mutants of large programs are kept short here (each refusal costs a
// second, fully logged load for the first-error figure); `npx tsx
// test/verifier/differential-report.ts` runs them all and 2000 fuzz programs.

import { libbpfOracleUnavailableReason } from '../../verifier/libbpf-oracle.ts';
import { loadVerifier } from '../../verifier/verifier.ts';
import { gatedTest, kernelAndToolsReason, kernelUnavailableReason } from '../helpers/kernel.ts';
import { formatDifferential, runDifferential } from './differential-run.ts';

const tools = ['clang', 'clang-19', 'cc'] as const;
const reason = kernelAndToolsReason(tools) ?? libbpfOracleUnavailableReason();

gatedTest(
  'differential report over every source: no unsound accept',
  async (t) => {
    const res = runDifferential(await loadVerifier(), { fuzz: 300, seed: 7, mutantsPerOperator: 2 });
    t.log(formatDifferential(res).join('\n'));
    t.deepEqual(res.skipped.filter((s) => !s.startsWith('clang corpus file')), [], 'every source ran');
    t.true(res.total.total > 1000, 'the run covered the sources');
    t.deepEqual(res.total.unsound, [], 'unsound accepts');
  },
  kernelUnavailableReason() ? 'kernel' : 'tools',
  reason,
);
