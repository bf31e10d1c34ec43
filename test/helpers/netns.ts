// Network namespaces, veth pairs, commands and temp directories that a test (or a bench) creates
// and always deletes: the one namespace helper. Commands run inside a namespace through
// `nsenter --net` (not `ip netns exec`, which remounts /sys and would hide the test's bpffs mount
// and the cgroup tree from the process). Free of ava, which refuses to load outside its CLI:
// `Cleanup` is the part of ava's ExecutionContext this needs, and a bench passes its own.

import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueName } from './names.ts';
import type { Tool } from './tools.ts';

/** What createNetns and vethBetween spawn besides nsenter: iproute2's ip. */
export const NETNS_TOOLS: readonly Tool[] = ['ip'];

/** Where cleanups go: ava's ExecutionContext, or a bench's own list. */
export interface Cleanup {
  teardown(fn: () => void): void;
}

/** Runs a command; throws with its status and output when it fails. */
export function run(cmd: string[], opts: SpawnSyncOptions = {}): string {
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')}: exit ${r.status}${r.signal ? ` (${r.signal})` : ''}: ${r.stderr}${r.stdout}`);
  return String(r.stdout);
}

export interface Netns {
  name: string;
  /** The bind mount that names it, for nsenter --net=PATH. */
  path: string;
  /** argv prefix that runs a command inside the namespace. */
  enter: string[];
  run(cmd: string[], opts?: SpawnSyncOptions): string;
}

/** A fresh network namespace with loopback up; deleted at cleanup. */
export function createNetns(c: Cleanup, prefix = 'sy'): Netns {
  const name = uniqueName(prefix);
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

/**
 * A veth pair with one end in each namespace, addressed and up. Returns the device names; they
 * disappear with their namespaces.
 */
export function vethBetween(a: Netns, b: Netns, addrA: string, addrB: string): { devA: string; devB: string } {
  const devA = uniqueName('vya');
  const devB = uniqueName('vyb');
  a.run(['ip', 'link', 'add', devA, 'type', 'veth', 'peer', 'name', devB, 'netns', b.name]);
  a.run(['ip', 'addr', 'add', addrA, 'dev', devA]);
  b.run(['ip', 'addr', 'add', addrB, 'dev', devB]);
  a.run(['ip', 'link', 'set', devA, 'up']);
  b.run(['ip', 'link', 'set', devB, 'up']);
  return { devA, devB };
}

/** A temp directory, removed at cleanup. */
export function makeTempDir(c: Cleanup, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  c.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A private bpf filesystem on a temp directory (tests never touch the host's); unmounted at cleanup. */
export function makeBpffs(c: Cleanup, prefix: string): string {
  const dir = makeTempDir(c, prefix);
  run(['mount', '-t', 'bpf', 'bpf', dir]);
  c.teardown(() => spawnSync('umount', ['-l', dir]));
  return dir;
}
