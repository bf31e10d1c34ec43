// A cgroup v2 directory that a test (or a bench) creates under the cgroup2 mount (found in
// /proc/mounts, never the root cgroup itself) and removes in teardown. Free of ava.

import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cleanup } from './netns.ts';
import { uniqueName } from './names.ts';

export function cgroup2Root(): string {
  const line = readFileSync('/proc/mounts', 'utf8').split('\n').find((l) => l.split(' ')[2] === 'cgroup2');
  if (!line) throw new Error('no cgroup2 mount in /proc/mounts');
  return line.split(' ')[1]!;
}

export interface TestCgroup {
  path: string;
  /** The path relative to the cgroup2 mount, as --cgroup takes it. */
  relative: string;
  /** Shell prefix that moves the shell into the cgroup before exec'ing the rest. */
  joinScript: string;
}

export function createCgroup(t: Cleanup, prefix = 'sy-test'): TestCgroup {
  const relative = uniqueName(prefix);
  const path = join(cgroup2Root(), relative);
  mkdirSync(path);
  t.teardown(() => {
    // Processes of the test have exited by now; move stragglers to the parent so rmdir works.
    try {
      for (const pid of readFileSync(join(path, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
        writeFileSync(join(cgroup2Root(), 'cgroup.procs'), pid);
      }
    } catch {
      // gone already
    }
    try {
      rmdirSync(path);
    } catch {
      // a process still in it: leave the empty cgroup rather than fail the test
    }
  });
  return { path, relative, joinScript: `echo $$ > ${join(path, 'cgroup.procs')} && exec` };
}
