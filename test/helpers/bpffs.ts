// A private bpf filesystem for one test (bpffs is not mounted at /sys/fs/bpf here, and tests
// never touch the host's): mounted on a temp directory, unmounted and removed in teardown.

import type { ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as sh } from './netns.ts';

export function mountBpffs(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-bpffs-'));
  sh(['mount', '-t', 'bpf', 'bpf', dir]);
  t.teardown(() => {
    spawnSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** A temp directory removed in teardown. */
export function tempDir(t: ExecutionContext, prefix = 'sy-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
