// `switchyard diff --traffic` without root: sample flows through both sides' objects in
// WebAssembly. Maglev's promise is checked flow by flow (adding a backend moves about 1/n of the
// flows, nearly all onto it); a removed last backend shows as a frontend that stops answering; a
// narrowed source range as drops added; unchanged services are not sampled.

import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBackend, runSample } from '../../simulate/traffic/run.ts';
import { sampleFlows } from '../../simulate/traffic/sample.ts';
import { run } from './cli-run.ts';

const BASE = readFileSync('test/simulate/fixtures/talk-snat/cluster.yaml', 'utf8');
const REMOTE_BACKENDS = '      - { address: 10.2.0.1, node: node2 }\n';

function specDir(t: import('ava').ExecutionContext, root: string, name: string, text: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cluster.yaml'), text);
  return dir;
}

function tempRoot(t: import('ava').ExecutionContext): string {
  const root = mkdtempSync(join(tmpdir(), 'sy-dt-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

const edit = (text: string, from: string, to: string): string => {
  if (!text.includes(from)) throw new Error(`fixture has no ${from}`);
  return text.replace(from, to);
};

test('Maglev: adding a fifth backend moves about a fifth of the flows, nearly all onto it', async (t) => {
  const root = tempRoot(t);
  const maglev = edit(BASE, 'algorithm: random', 'algorithm: maglev');
  const four = edit(maglev, REMOTE_BACKENDS, REMOTE_BACKENDS + ['10.2.0.11', '10.1.0.12', '10.2.0.13'].map((a) => `      - { address: ${a}, node: node${a.startsWith('10.1') ? 1 : 2} }\n`).join(''));
  const five = edit(four, '      - { address: 10.2.0.13, node: node2 }\n', '      - { address: 10.2.0.13, node: node2 }\n      - { address: 10.2.0.14, node: node2 }\n');
  const out = join(root, 'out');
  for (const [name, text] of [['four', four], ['five', five]] as const) {
    const r = await run(['compile', specDir(t, root, name, text), '-o', join(out, name)]);
    t.is(r.code, 0, r.stderr);
  }
  const plan = sampleFlows({ service: 'default/remote', kind: 'NodePort', address: '0.0.0.0:30001/TCP' }, { name: 'node1', addresses: ['10.0.0.1'] }, 400, 7)!;
  const [before] = await runSample(join(out, 'four', 'talk'), [plan], 7);
  const [after] = await runSample(join(out, 'five', 'talk'), [plan], 7);
  t.true(before!.every(isBackend) && after!.every(isBackend), 'every flow reaches a backend on both sides');
  const moved = before!.flatMap((b, i) => (b === after![i] ? [] : [after![i]]));
  const elsewhere = moved.filter((m) => m !== 'backend 10.2.0.14:80').length;
  t.log(`${moved.length} of 400 flows moved, ${elsewhere} of them between old backends`);
  // 1/5 of 400 is 80; a Maglev table of 16381 slots is close to even. Maglev's disruption is
  // small, not nil: a few table slots change hands between old backends as the table refills.
  t.true(moved.length > 50 && moved.length < 110, `${moved.length} of 400 flows moved`);
  t.true(elsewhere <= moved.length / 10, `${elsewhere} of ${moved.length} moved flows went to an old backend`);
});

test('diff --traffic from specs: a removed last backend stops a frontend answering, a narrowed source range adds drops, untouched services are not sampled', async (t) => {
  const root = tempRoot(t);
  const old = specDir(t, root, 'old', BASE);
  const noBackend = edit(BASE, REMOTE_BACKENDS, '');
  const changed = edit(edit(noBackend, '      - { address: fd00:10:2::1, node: node2 }\n', ''), '[198.51.100.0/24]', '[198.51.100.0/25]');
  const now = specDir(t, root, 'new', changed);
  const text = await run(['diff', old, now, '--traffic', '--flows', '32']);
  t.is(text.code, 1, text.stderr);
  t.regex(text.stdout, /traffic: 32 flows per frontend and entry node \(seed 1\)/);
  t.regex(text.stdout, /default\/remote NodePort 0\.0\.0\.0:30001\/TCP via node1: stops answering; drops 0 → 32 of 32; loses 10\.2\.0\.1:80/);
  t.regex(text.stdout, /default\/ranged LoadBalancer 10\.3\.0\.4:80\/TCP via node1: drops \d+ → \d+ of 32/);
  t.notRegex(text.stdout, /default\/local /, 'an unchanged service is not sampled');
  const md = await run(['diff', old, now, '--traffic', '--flows', '32', '--format', 'markdown']);
  t.is(md.code, 1, md.stderr);
  t.regex(md.stdout, /## Traffic\n\n32 simulated flows per changed frontend/);
  t.regex(md.stdout, /\| `default\/remote` \| `NodePort 0\.0\.0\.0:30001\/TCP` \| node1 \| - \| 0 → 32 \| stops answering;/);
  // The same sample twice: the report is reproducible.
  t.is((await run(['diff', old, now, '--traffic', '--flows', '32'])).stdout, text.stdout);
});

test('diff --traffic with nothing changed samples nothing; bad --flows is an error', async (t) => {
  const root = tempRoot(t);
  const same = specDir(t, root, 'same', BASE);
  const r = await run(['diff', same, same, '--traffic']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout, 'no differences\n');
  const bad = await run(['diff', same, same, '--traffic', '--flows', '0']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--flows 0 is not a positive integer/);
});
