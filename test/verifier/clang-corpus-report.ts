// The clang corpus's share of the differential report: every program of every corpus file,
// loaded through the libbpf-style oracle and verified by the WebAssembly verifier, loose and
// with strict alignment, counted as differential.ts counts every other source.

import type { WasmVerifier } from '../../verifier/verifier.ts';
import { buildCorpusFile, checkObject, loadClangCorpus, removeCorpusBuilds } from './clang-corpus.ts';
import { newTally, tallyProgram, type Tally } from './differential.ts';

export interface ClangCorpusFigures {
  /** Loose loads, as the corpus headers record them. */
  loose: Tally;
  /** The same programs with BPF_F_STRICT_ALIGNMENT. */
  strict: Tally;
  /** Files this clang cannot build (-mcpu=v4 before clang 18). */
  skipped: string[];
}

export function clangCorpusFigures(v: WasmVerifier): ClangCorpusFigures {
  const f: ClangCorpusFigures = { loose: newTally(), strict: newTally(), skipped: [] };
  try {
    for (const c of loadClangCorpus()) {
      const built = buildCorpusFile(c);
      if (!built.ok) {
        f.skipped.push(`${c.id}: ${built.skip}`);
        continue;
      }
      for (const [tally, strict] of [[f.loose, false], [f.strict, true]] as const) {
        for (const r of checkObject(v, built.object, c.id, strict)) {
          const id = `${c.id} ${r.program}${strict ? ' (strict)' : ''}`;
          tallyProgram(tally, id, r.kernel.accepted, r.ours, { log: () => r.kernel.log, reason: () => r.kernel.reason });
        }
      }
    }
  } finally {
    removeCorpusBuilds();
  }
  return f;
}
