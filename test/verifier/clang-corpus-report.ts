// The clang corpus's figures for the differential report: every program of every corpus file,
// loaded through the libbpf-style oracle and verified by the WebAssembly verifier, loose and
// with strict alignment. Counts unsound accepts, false alarms (and how many of those are
// "unsupported"), refusals by both at the same first instruction, and strict-alignment agreement.

import type { WasmVerifier } from '../../verifier/verifier.ts';
import { buildCorpusFile, checkObject, kernelErrorInsn, loadClangCorpus, removeCorpusBuilds } from './clang-corpus.ts';
import { classify, count, newTally, type Tally } from './differential.ts';

export interface ClangCorpusFigures {
  /** Loose loads, as the corpus headers record them. */
  loose: Tally;
  /** False alarms whose verdict is `unsupported` (a construct we do not model). */
  unsupported: string[];
  /** Both refuse: how many at the same first instruction, and which not. */
  bothReject: number;
  sameFirstInsn: number;
  otherFirstInsn: string[];
  /** The same programs with BPF_F_STRICT_ALIGNMENT. */
  strict: Tally;
  /** Files this clang cannot build (-mcpu=v4 before clang 18). */
  skipped: string[];
}

export function clangCorpusFigures(v: WasmVerifier): ClangCorpusFigures {
  const f: ClangCorpusFigures = { loose: newTally(), unsupported: [], bothReject: 0, sameFirstInsn: 0, otherFirstInsn: [], strict: newTally(), skipped: [] };
  try {
    for (const c of loadClangCorpus()) {
      const built = buildCorpusFile(c);
      if (!built.ok) {
        f.skipped.push(`${c.id}: ${built.skip}`);
        continue;
      }
      for (const r of checkObject(v, built.object, c.id, false)) {
        const id = `${c.id} ${r.program}`;
        const a = classify(r.kernel.accepted, r.ours);
        count(f.loose, a, `${id}: ${a === 'unsound-accept' ? `kernel refuses: ${r.kernel.reason}` : r.ours.message.split('\n')[0]}`);
        if (a === 'false-alarm' && r.ours.kind === 'unsupported') f.unsupported.push(id);
        if (a === 'agree-reject') {
          f.bothReject++;
          const k = kernelErrorInsn(r.kernel.log);
          if (k === r.ours.insn) f.sameFirstInsn++;
          else f.otherFirstInsn.push(`${id}: kernel insn ${k ?? '?'}, ours ${r.ours.insn}`);
        }
      }
      for (const r of checkObject(v, built.object, c.id, true)) {
        count(f.strict, classify(r.kernel.accepted, r.ours), `${c.id} ${r.program} (strict): kernel ${r.kernel.accepted ? 'accepts' : `refuses: ${r.kernel.reason}`}`);
      }
    }
  } finally {
    removeCorpusBuilds();
  }
  return f;
}
