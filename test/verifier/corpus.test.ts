// Every corpus case through the WebAssembly verifier, without the kernel: a case the kernel
// refuses (as recorded in the corpus) must be refused here, with the expected message when one
// is written. Cases the kernel accepts and we refuse are false alarms: tolerated, but listed in
// corpus/false-alarms.golden so that any change to the list shows in review.

import test from 'ava';
import { matchGolden } from '../helpers/golden.ts';
import { join } from 'node:path';
import { loadVerifier } from '../../verifier/verifier.ts';
import { corpusDir, loadCorpus } from './corpus.ts';

const cases = loadCorpus();
const goldenPath = join(corpusDir, 'false-alarms.golden');

test('the corpus has a few hundred cases, each rule file with both verdicts', (t) => {
  t.true(cases.length >= 20, `only ${cases.length} cases`);
  const files = new Set(cases.map((c) => c.file));
  for (const f of files) {
    const mine = cases.filter((c) => c.file === f);
    t.true(mine.some((c) => c.expect === 'reject'), `${f} has no rejected case`);
  }
});

test('no case the kernel refuses passes the wasm verifier; messages match', async (t) => {
  const v = await loadVerifier();
  const problems: string[] = [];
  for (const c of cases) {
    const r = v.verify(c.input);
    if (c.expect === 'reject' && r.ok) problems.push(`${c.id}: accepted, but the kernel refuses it`);
    if (c.expect === 'reject' && !r.ok && c.message && !r.message.includes(c.message)) {
      problems.push(`${c.id}: message "${r.message}" lacks "${c.message}"`);
    }
  }
  t.deepEqual(problems, []);
});

test('false alarms are the recorded ones (UPDATE_GOLDEN=1 rewrites the list)', async (t) => {
  const v = await loadVerifier();
  const lines: string[] = [];
  for (const c of cases) {
    if (c.expect !== 'accept') continue;
    const r = v.verify(c.input);
    if (!r.ok) lines.push(`${c.id}  ->  ${r.kind}: ${r.message.split('\n')[0]}`);
  }
  const text = ['# Corpus cases the kernel accepts and the wasm verifier refuses (false alarms).', ...lines.sort(), ''].join('\n');
  matchGolden(t, goldenPath, text, import.meta.filename);
});

test('the debug and release builds give the same verdicts', async (t) => {
  const release = await loadVerifier();
  const debug = await loadVerifier({ debug: true });
  const differ: string[] = [];
  for (const c of cases) {
    const a = release.verify(c.input);
    const b = debug.verify(c.input);
    if (a.ok !== b.ok || a.message !== b.message || a.insn !== b.insn || a.processed !== b.processed) {
      differ.push(`${c.id}: release ${a.ok ? 'ok' : a.message} / debug ${b.ok ? 'ok' : b.message}`);
    }
  }
  t.deepEqual(differ, []);
});
