// Network namespaces, commands and temp directories for code that runs both under ava and
// outside it (the north-south bench): nothing here imports ava, which refuses to load outside
// its CLI. `Cleanup` is the part of ava's ExecutionContext this needs; a bench passes its own.

import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Netns } from './netns.ts';
import type { Tool } from './tools.ts';

/** What makeNetns (and netns.ts's createNetns) spawn besides nsenter: iproute2's ip. */
export const NETNS_TOOLS: readonly Tool[] = ['ip'];

export interface Cleanup {
  teardown(fn: () => void): void;
}

export function run(cmd: string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')}: exit ${r.status}${r.signal ? ` (${r.signal})` : ''}: ${r.stderr}${r.stdout}`);
  return String(r.stdout);
}

let counter = 0;
/** Unique per process and call, at most 15 bytes (an interface name); as kernel.ts's uniqueName. */
export function shortName(prefix: string): string {
  const id = `${(process.pid % 46656).toString(36)}${(counter++).toString(36)}z`;
  return `${prefix.slice(0, 15 - id.length - 1)}-${id}`.slice(0, 15);
}

/** A fresh network namespace with loopback up; deleted at cleanup. */
export function makeNetns(c: Cleanup, prefix: string): Netns {
  const name = shortName(prefix);
  run(['ip', 'netns', 'add', name]);
  c.teardown(() => {
    spawnSync('ip', ['netns', 'del', name]);
  });
  const path = `/run/netns/${name}`;
  const enter = ['nsenter', `--net=${path}`];
  const ns: Netns = { name, path, enter, run: (cmd, opts) => run([...enter, ...cmd], opts) };
  ns.run(['ip', 'link', 'set', 'lo', 'up']);
  return ns;
}

export function makeTempDir(c: Cleanup, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  c.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
