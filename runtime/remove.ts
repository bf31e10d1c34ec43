// `switchyard-node remove`: takes a node's programs off their hooks and drops its maps, pins,
// journal and snapshot. Safe to run twice, and after an interrupted apply.

import { existsSync } from 'node:fs';
import { fromPinSafe, type PinLayout } from './pins.ts';
import { removeLinksExcept } from './link-sync.ts';
import { lockNodeDir } from './node-lock.ts';
import { writeJournal, type StateDir } from './state.ts';

export function removeNode(pins: PinLayout, state: StateDir): string[] {
  if (!existsSync(pins.nodeDir)) {
    state.remove();
    return [`node ${pins.node}: nothing to remove (no ${pins.nodeDir})`];
  }
  const lock = lockNodeDir(pins.nodeDir, pins.node);
  try {
    const lines: string[] = [];
    // Links first: the hooks stop running our programs before their maps go.
    for (const name of removeLinksExcept(pins, new Set())) lines.push(`  link ${name}: detached and unpinned`);
    for (const pin of pins.list(pins.mapsDir)) {
      pins.unpin(`${pins.mapsDir}/${pin}`);
      lines.push(`  map ${fromPinSafe(pin)}: unpinned`);
    }
    writeJournal(pins.journal, undefined);
    state.remove();
    pins.removeNodeDir();
    return [`node ${pins.node}: removed from ${pins.nodeDir}`, ...lines];
  } finally {
    lock.release();
  }
}
