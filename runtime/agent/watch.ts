// Watches an artifact directory the way git-sync and ConfigMap volumes publish one: DIR is
// often a symlink that is replaced by renaming a new symlink over it, so the directory DIR lives
// in is watched (the rename is an event there, while a watch on DIR's old target sees nothing),
// and so is DIR's current target (files rewritten in place). Events are debounced; a slow poll
// catches what inotify misses (network filesystems, a watch set up after a change).

import { realpathSync, watch, type FSWatcher } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface WatchOptions {
  /** Quiet time after the last event before `onChange` runs (a directory is written file by file). */
  debounceMs: number;
  /** The safety net: `onChange(false)` this often even without events. */
  pollMs: number;
}

export interface DirWatcher {
  close(): void;
}

/**
 * Calls `onChange(true)` after a burst of events under DIR (debounced), and `onChange(false)` on
 * every poll. The callee decides whether anything is new: it reads the manifest, not the events.
 */
export function watchArtifactDir(dir: string, o: WatchOptions, onChange: (fromEvent: boolean) => void): DirWatcher {
  const parent = dirname(resolve(dir));
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const fire = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (!closed) {
        rewatchTarget();
        onChange(true);
      }
    }, o.debounceMs);
  };

  // The parent: a rename of a symlink over DIR, or DIR created, shows here. Events about other
  // entries (git-sync's ..tmp links, old worktrees being deleted) only cost one manifest read.
  const parentWatch = safeWatch(parent, fire);

  // The target: its own files changed in place (a plain directory written by rsync or cp).
  let target: string | undefined;
  let targetWatch: FSWatcher | undefined;
  const rewatchTarget = (): void => {
    let now: string | undefined;
    try {
      now = realpathSync(dir);
    } catch {
      now = undefined;
    }
    if (now === target) return;
    targetWatch?.close();
    target = now;
    targetWatch = now ? safeWatch(now, fire, true) : undefined;
  };
  rewatchTarget();

  const poll = setInterval(() => {
    rewatchTarget();
    onChange(false);
  }, o.pollMs);
  return {
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      clearInterval(poll);
      parentWatch?.close();
      targetWatch?.close();
    },
  };
}

/** fs.watch, or nothing where it cannot watch (the poll still runs). */
function safeWatch(path: string, onEvent: () => void, recursive = false): FSWatcher | undefined {
  try {
    const w = watch(path, { persistent: false, recursive }, onEvent);
    w.on('error', () => w.close());
    return w;
  } catch {
    return undefined;
  }
}
