// The kernel verifier's log, reduced to what a person needs first: the complaint, the
// instruction it was about, and the source line (when the object carries BTF line info).
// The whole log stays available for --verbose.

export interface VerifierSummary {
  /** The verifier's own words, e.g. "R0 !read_ok" or "invalid access to map value ...". */
  reason: string;
  /** The instruction the verifier stopped at, as it printed it ("12: (61) r1 = *(u32 *)(r6 +4)"). */
  insn?: string;
  /** The source line before that instruction ("lb.ts:40 if (svc.count === 0)"), when known. */
  source?: string;
}

const STATS = /^(processed \d+ insns|verification time|stack depth|max_states_per_insn|mark_read)/;
const INSN = /^(\d+): \([0-9a-f]{2}\)/;

export function summarizeVerifierLog(log: string): VerifierSummary {
  const lines = log.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  const body = lines.filter((l) => !STATS.test(l));
  let lastInsn = -1;
  for (let i = body.length - 1; i >= 0; i--) {
    if (INSN.test(body[i]!)) {
      lastInsn = i;
      break;
    }
  }
  const after = body.slice(lastInsn + 1).filter((l) => !l.startsWith(';'));
  const reason = (after.length ? after.join('; ') : body.at(-1)) ?? 'the kernel gave no reason (empty verifier log)';
  const out: VerifierSummary = { reason };
  if (lastInsn >= 0) {
    // Drop the register state the verifier appends after ';' on the same line.
    out.insn = body[lastInsn]!.replace(/\s+;.*$/, '');
    for (let i = lastInsn - 1; i >= 0; i--) {
      const l = body[i]!;
      if (l.startsWith('; ')) {
        // Newer kernels print "; text @ file:line"; older ones "; text".
        const m = /^; (.*?)(?: @ (\S+))?$/.exec(l);
        out.source = m && m[2] ? `${m[2]} ${m[1]!.trim()}` : l.slice(2).trim();
        break;
      }
      if (/^(func#|from \d+ to|\d+: R\d)/.test(l)) continue;
    }
  }
  return out;
}

export function formatVerifierSummary(s: VerifierSummary): string {
  return [s.reason, s.insn ? `at ${s.insn}` : '', s.source ? `(source ${s.source})` : ''].filter(Boolean).join(' ');
}
