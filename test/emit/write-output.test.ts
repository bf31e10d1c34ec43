// Atomic output: a write stopped at any step leaves the old directory whole, and the next one
// recovers; staleFiles names what differs.

import test from 'ava';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interruptAt, InterruptedWrite, readPreviousLock, recoverInterrupted, staleFiles, writeArtifacts } from '../../compiler/emit/write-output.ts';
import { backend, service, talkSpec } from '../plan/helpers.ts';
import { compileSpec } from './helpers.ts';

function tempRoot(t: import('ava').ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-out-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const v1 = () => compileSpec(talkSpec()).set;
const v2 = () => {
  const s = talkSpec();
  s.services.push(service('default/extra', { backends: [backend('10.1.0.9', 'node1')] }));
  return compileSpec(s).set;
};

test('a write lands whole, and writing the same files again changes nothing', (t) => {
  const root = tempRoot(t);
  const first = writeArtifacts(root, v1());
  t.true(first.changed);
  t.deepEqual(staleFiles(root, v1()), []);
  t.false(writeArtifacts(root, v1()).changed);
  t.deepEqual(readdirSync(root), ['talk'], 'no temp or side directories left behind');
});

test('interrupted after the temp directory is written: the old output stays whole', (t) => {
  const root = tempRoot(t);
  writeArtifacts(root, v1());
  const before = readFileSync(join(root, 'talk', 'services.txt'));
  t.throws(() => writeArtifacts(root, v2(), interruptAt('temp-written')), { instanceOf: InterruptedWrite });
  t.deepEqual(readFileSync(join(root, 'talk', 'services.txt')), before);
  t.deepEqual(staleFiles(root, v1()), [], 'every old file is intact');
  writeArtifacts(root, v2());
  t.deepEqual(staleFiles(root, v2()), []);
  t.deepEqual(readdirSync(root), ['talk'], 'the dead temp directory was cleared');
});

test('interrupted between the two renames: the next run puts the old output back', (t) => {
  const root = tempRoot(t);
  writeArtifacts(root, v1());
  t.throws(() => writeArtifacts(root, v2(), interruptAt('old-retired')), { instanceOf: InterruptedWrite });
  t.false(existsSync(join(root, 'talk')), 'the moment the swap was cut short');
  t.true(readPreviousLock(root, 'talk').lock.ids.backend.size > 0, 'the lock is still found under the side name');
  recoverInterrupted(root, 'talk');
  t.deepEqual(staleFiles(root, v1()), [], 'the old output is back, whole');
  writeArtifacts(root, v2());
  t.deepEqual(staleFiles(root, v2()), []);
});

test('staleFiles names missing, changed and extra files', (t) => {
  const root = tempRoot(t);
  t.deepEqual(staleFiles(root, v1()), ['talk/: missing']);
  writeArtifacts(root, v1());
  const stale = staleFiles(root, v2());
  t.true(stale.includes('talk/services.txt: differs'));
  t.false(stale.some((s) => s.startsWith('talk/nodes/node1/config.txt')));
});

test('a new write links the files whose bytes did not change and writes only the others', (t) => {
  const root = tempRoot(t);
  writeArtifacts(root, v1());
  const ino = (path: string) => statSync(join(root, 'talk', path)).ino;
  const same = 'nodes/node1/config.txt';
  const before = { same: ino(same), changed: ino('services.txt') };
  writeArtifacts(root, v2());
  t.is(ino(same), before.same, 'unchanged bytes: the same file, linked into the new directory');
  t.not(ino('services.txt'), before.changed, 'changed bytes: a new file');
  t.is(statSync(join(root, 'talk', same)).nlink, 1, 'the old directory is gone: no second name left');
  t.deepEqual(staleFiles(root, v2()), []);
});
