// The clang corpus against this kernel, loaded as libbpf loads it, and against the WebAssembly
// verifier. Per file: the kernel's verdict is the one its header records; an accept of ours
// where the kernel refuses fails (unsound accepts: always 0, loose and strict); a refusal of
// ours where the kernel accepts must be listed in clang-corpus/known-false-alarms.txt, and a
// listed file that no longer is one fails too, so the list stays true.

import test from 'ava';
import { libbpfOracleUnavailableReason } from '../../verifier/libbpf-oracle.ts';
import { loadVerifier } from '../../verifier/verifier.ts';
import { gatedTest, kernelAndToolsReason, kernelUnavailableReason } from '../helpers/kernel.ts';
import type { Tool } from '../helpers/tools.ts';
import {
  buildCorpusFile,
  clangFor,
  checkObject,
  kernelText,
  knownFalseAlarmsPath,
  loadClangCorpus,
  loadKnownFalseAlarms,
  removeCorpusBuilds,
  type CorpusFile,
} from './clang-corpus.ts';
import { kernelErrorInsn } from './differential.ts';

const corpus = loadClangCorpus();
const known = loadKnownFalseAlarms();

test('every family has files of both verdicts, and every known false alarm names a file', (t) => {
  const families = new Set(corpus.map((c) => c.family));
  for (const f of families) {
    const mine = corpus.filter((c) => c.family === f);
    t.true(mine.some((c) => c.expect === 'accept') && mine.some((c) => c.expect === 'reject'), `${f}: needs accept and reject files`);
  }
  const ids = new Set(corpus.map((c) => c.id));
  t.deepEqual([...known.keys()].filter((k) => !ids.has(k)), [], `${knownFalseAlarmsPath}: entries for files that do not exist`);
});

/**
 * The tools a file needs, by the tools table (test/helpers/tools.ts names their Debian packages):
 * clang, cc for the libbpf oracle, and clang-19 for -mcpu=v4 (Debian 12's clang 14 lacks it).
 */
function toolsFor(c: CorpusFile): Tool[] {
  return c.cflags.includes('-mcpu=v4') ? ['clang', 'cc', 'clang-19'] : ['clang', 'cc'];
}

/** Why no installed clang can build with these flags, or undefined. */
function flagsUnsupported(c: CorpusFile): string | undefined {
  return c.cflags.length ? clangFor(c.cflags).why : undefined;
}

const libbpfReason = kernelUnavailableReason() ? undefined : libbpfOracleUnavailableReason();
test.after.always(() => removeCorpusBuilds());

for (const c of corpus) {
  const title = `clang corpus ${c.id}`;
  // Skipped with the reason where something is missing; a failure under SWITCHYARD_REQUIRE_KERNEL=1 (CI).
  const reason = kernelAndToolsReason(toolsFor(c)) ?? libbpfReason ?? flagsUnsupported(c);
  gatedTest(title, async (t) => {
    const v = await loadVerifier();
    const built = buildCorpusFile(c);
    if (!built.ok) return t.fail(built.skip);
    const loose = checkObject(v, built.object, c.id, false);
    t.true(loose.length > 0, 'libbpf found no program in the object');

    const refused = loose.filter((r) => !r.kernel.accepted);
    if (c.expect === 'accept') {
      t.deepEqual(refused.map((r) => `${r.program}: ${r.kernel.reason}`), [], 'the header says the kernel accepts');
    } else {
      t.true(
        refused.some((r) => kernelText(r.kernel).includes(c.message!)),
        `the header says the kernel refuses with "${c.message}"; it says: ${refused.map((r) => r.kernel.reason).join(' | ') || 'accepted'}`,
      );
    }

    // Refused by both: where each finds the first error (a count for the report, not a rule).
    for (const r of loose.filter((x) => !x.kernel.accepted && !x.ours.ok)) {
      const k = kernelErrorInsn(r.kernel.log);
      t.log(`${r.program}: first error at insn ${r.ours.insn} here, ${k ?? '?'} in the kernel${k === r.ours.insn ? '' : ' (differs)'}`);
    }

    const strict = checkObject(v, built.object, c.id, true);
    const unsound = [...loose, ...strict.map((r) => ({ ...r, program: `${r.program} (strict)` }))]
      .filter((r) => r.ours.ok && !r.kernel.accepted)
      .map((r) => `${r.program}: we accept, the kernel refuses: ${r.kernel.reason}`);
    t.deepEqual(unsound, [], 'unsound accepts');

    const alarms = loose.filter((r) => r.kernel.accepted && !r.ours.ok).map((r) => `${r.program}: ${r.ours.kind}: ${r.ours.message.split('\n')[0]}`);
    if (known.has(c.id)) {
      t.not(alarms.length, 0, `listed in known-false-alarms.txt but no longer a false alarm: remove the line`);
    } else {
      t.deepEqual(alarms, [], 'false alarms not listed in known-false-alarms.txt');
    }
  }, kernelUnavailableReason() ? 'kernel' : 'tools', reason);
}
