// The compile pipeline's verify stage: an object the WebAssembly verifier refuses becomes a
// diagnostic at the BPF-TS line of the failing instruction, and the generated objects pass;
// clean verdicts are kept in the build cache.

import test from 'ava';
import { buildObject } from '../../compiler/bpf/object.ts';
import * as a from '../../compiler/bpf/asm.ts';
import { R0, R1, R6 } from '../../compiler/bpf/register.ts';
import type { Item } from '../../compiler/bpf/insn.ts';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { pipeline } from '../../compiler/pipeline.ts';
import { verdictKey, verifyObjects } from '../../compiler/verify/verify-objects.ts';
import { DatapathCache } from '../../compiler/datapath-build/cache.ts';
import { REPO_ROOT, type DatapathObject } from '../../compiler/datapath-build/objects.ts';

function objectOf(items: readonly Item[]): DatapathObject {
  const built = buildObject({ programs: [{ name: 'probe', section: 'xdp', items }] });
  return { name: 'probe', features: [], nodes: ['n1'], elf: built.elf, listing: '', programs: [] };
}

test('the pipeline verifies objects after building them and before emitting', (t) => {
  const names = pipeline.map((s) => s.name);
  t.true(names.indexOf('datapath') < names.indexOf('verify'));
  t.true(names.indexOf('verify') < names.indexOf('emit'));
});

test('an object the verifier refuses is a diagnostic at its source line', (t) => {
  // Reads 4 bytes of packet without checking them against data_end.
  const bad = objectOf([
    ...a.at({ file: 'compiler/datapath/probe.ts', line: 7, col: 3, text: 'const v = pkt.u32;' },
      a.ldx('u32', R6, R1, 0),
      a.ldx('u32', R0, R6, 0)),
    a.exit(),
  ]);
  const diags = verifyObjects([bad]);
  t.is(diags.length, 1);
  t.is(diags[0]!.severity, 'error');
  t.regex(formatDiagnostic(diags[0]!), /^compiler\/datapath\/probe\.ts:7:\d+: error SY5\d{3}: .*objects\/probe\.o/);
});

test('an object the verifier accepts gives no diagnostic', (t) => {
  t.deepEqual(verifyObjects([objectOf([a.mov64(R0, 2), a.exit()])]), []);
});

test('a clean verdict is kept in the build cache and read back; a refusal is never kept', (t) => {
  const good = objectOf([a.mov64(R0, 1), a.exit()]);
  const cache = new DatapathCache(REPO_ROOT, 'verdicts');
  t.deepEqual(verifyObjects([good]), []);
  t.deepEqual(cache.getJson(verdictKey(cache, good)), [], 'the clean verdict is stored under the object\'s key');
  // What the cache holds is what the stage returns: the verifier did not run again.
  const marker = { code: 'SY5999', severity: 'warning', message: 'read back from the cache' };
  cache.putJson(verdictKey(cache, good), [marker]);
  t.deepEqual(verifyObjects([good]), [marker]);
  cache.putJson(verdictKey(cache, good), []);

  const bad = objectOf([a.ldx('u32', R0, R1, 0), a.ldx('u32', R0, R0, 0), a.exit()]);
  t.is(verifyObjects([bad]).length, 1);
  t.is(cache.getJson(verdictKey(cache, bad)), undefined, 'a refusal is verified afresh every time');
});
