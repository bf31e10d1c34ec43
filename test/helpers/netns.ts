// Network namespaces and veth pairs that a test creates and always deletes. Commands run inside
// a namespace through `nsenter --net` (not `ip netns exec`, which remounts /sys and would hide
// the test's bpffs mount and the cgroup tree from the process).

import type { ExecutionContext } from 'ava';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { uniqueName } from './kernel.ts';

export { NETNS_TOOLS } from './ns-lite.ts';

export function sh(cmd: string[], opts: SpawnSyncOptions = {}): string {
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

/** A fresh network namespace with loopback up; deleted in teardown. */
export function createNetns(t: ExecutionContext, prefix = 'sy'): Netns {
  const name = uniqueName(prefix);
  sh(['ip', 'netns', 'add', name]);
  t.teardown(() => {
    spawnSync('ip', ['netns', 'del', name]);
  });
  const path = `/run/netns/${name}`;
  const enter = ['nsenter', `--net=${path}`];
  const ns: Netns = { name, path, enter, run: (cmd, opts) => sh([...enter, ...cmd], opts) };
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
