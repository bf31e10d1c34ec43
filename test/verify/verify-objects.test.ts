// The compile pipeline's verify stage: an object the WebAssembly verifier refuses becomes a
// diagnostic at the BPF-TS line of the failing instruction, and the generated objects pass.

import test from 'ava';
import { buildObject } from '../../compiler/bpf/object.ts';
import * as a from '../../compiler/bpf/asm.ts';
import { R0, R1, R6 } from '../../compiler/bpf/register.ts';
import type { Item } from '../../compiler/bpf/insn.ts';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { pipeline } from '../../compiler/pipeline.ts';
import { verifyObjects } from '../../compiler/verify/verify-objects.ts';
import type { DatapathObject } from '../../compiler/datapath-build/objects.ts';

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
