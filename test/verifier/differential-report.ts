// The differential report as a command: every program we have, verified by this kernel and by
// the wasm verifier, side by side (differential-run.ts), printed as Markdown.
//   npx tsx test/verifier/differential-report.ts [--fuzz N] [--seed S] [--verbose]
// Needs root (BPF_PROG_LOAD); exits 1 when any accept is unsound.

import { kernelVerify } from '../../verifier/kernel.ts';
import { loadVerifier } from '../../verifier/verifier.ts';
import { summary } from './differential.ts';
import { formatDifferential, runDifferential } from './differential-run.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};

// A trivial program that must load: if it does not, the kernel is out of reach.
const probe = kernelVerify({ name: 'probe', progType: 6, attachType: 0, insns: Uint8Array.of(0xb7, 0, 0, 0, 2, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0), maps: [], strictAlignment: false });
if (!probe.accepted) {
  console.error(`differential report: the kernel refuses even a trivial program (${probe.reason}); run as root with CAP_BPF`);
  process.exit(2);
}

const res = runDifferential(await loadVerifier(), {
  fuzz: opt('fuzz', 2000),
  seed: opt('seed', 1),
  onSource: (label, t) => process.stderr.write(`${label}: ${summary(t)}\n`),
});
console.log(`\n${formatDifferential(res, args.includes('--verbose')).join('\n')}`);
if (res.total.unsound.length) process.exitCode = 1;
