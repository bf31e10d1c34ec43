// One apply or remove at a time per node: an exclusive flock on the node's bpffs directory.
// The kernel releases it when the process ends, however it ends, so a killed apply never
// leaves the node locked.

import { closeSync, openSync } from 'node:fs';
import { tryLockExclusive } from './sys/syscall.ts';

export interface NodeLock {
  release(): void;
}

export function lockNodeDir(dir: string, node: string): NodeLock {
  const fd = openSync(dir, 'r');
  if (!tryLockExclusive(fd)) {
    closeSync(fd);
    throw new Error(`node ${node}: another switchyard-node apply or remove holds ${dir}; wait for it to finish and run again`);
  }
  let held = true;
  return {
    release: () => {
      if (held) closeSync(fd);
      held = false;
    },
  };
}
