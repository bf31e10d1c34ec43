// The agent's watcher without a kernel: a symlink renamed over DIR (git-sync, ConfigMap volumes)
// and a file rewritten inside DIR's target each reach the callback once debounced, and the poll
// runs on its own. No privileges needed.

import test from 'ava';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchArtifactDir } from '../../runtime/agent/watch.ts';

function setup(t: import('ava').ExecutionContext) {
  const work = mkdtempSync(join(tmpdir(), 'sy-watch-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  for (const r of ['..r1', '..r2']) {
    mkdirSync(join(work, r));
    writeFileSync(join(work, r, 'manifest.json'), r);
  }
  symlinkSync('..r1', join(work, 'live'));
  return work;
}

/** Resolves with the callback's argument the next time it is called. */
function next(calls: boolean[]): Promise<boolean> {
  const n = calls.length;
  return new Promise((resolve) => {
    const tick = setInterval(() => {
      if (calls.length > n) {
        clearInterval(tick);
        resolve(calls[n]!);
      }
    }, 10);
  });
}

test('a symlink renamed over DIR is an event', async (t) => {
  const work = setup(t);
  const calls: boolean[] = [];
  const w = watchArtifactDir(join(work, 'live'), { debounceMs: 20, pollMs: 3_600_000 }, (e) => calls.push(e));
  t.teardown(() => w.close());
  const seen = next(calls);
  symlinkSync('..r2', join(work, 'live.tmp'));
  renameSync(join(work, 'live.tmp'), join(work, 'live'));
  t.true(await seen);
});

test("a file rewritten in DIR's target is an event, also after the target changed", async (t) => {
  const work = setup(t);
  const calls: boolean[] = [];
  const w = watchArtifactDir(join(work, 'live'), { debounceMs: 20, pollMs: 3_600_000 }, (e) => calls.push(e));
  t.teardown(() => w.close());
  let seen = next(calls);
  writeFileSync(join(work, '..r1', 'manifest.json'), 'changed');
  t.true(await seen);
  seen = next(calls);
  symlinkSync('..r2', join(work, 'live.tmp'));
  renameSync(join(work, 'live.tmp'), join(work, 'live'));
  await seen;
  // The burst of events is over; now the new target is the one watched.
  await new Promise((r) => setTimeout(r, 100));
  seen = next(calls);
  writeFileSync(join(work, '..r2', 'manifest.json'), 'changed');
  t.true(await seen);
});

test('the poll calls back without any event', async (t) => {
  const work = setup(t);
  const calls: boolean[] = [];
  const w = watchArtifactDir(join(work, 'live'), { debounceMs: 20, pollMs: 50 }, (e) => calls.push(e));
  t.teardown(() => w.close());
  t.false(await next(calls));
});
