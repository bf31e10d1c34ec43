// Node "node1" of generated/demo as switchyard-node sees it when a test runs the bundled CLI as a
// separate process (under setpriv, or in the image): a network namespace with one veth device up,
// a cgroup, a private bpffs. Whatever was applied is removed in teardown.

import type { ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { mountBpffs, tempDir } from './bpffs.ts';
import { createCgroup, type TestCgroup } from './cgroup.ts';
import { uniqueName } from './kernel.ts';
import { createNetns, type Netns } from './netns.ts';

export const DEMO_NODE = 'node1';

export interface DemoNode {
  ns: Netns;
  cg: TestCgroup;
  device: string;
  /** The private bpffs mount, and the pins directory under it (switchyard-node's default name). */
  bpffs: string;
  pins: string;
  state: string;
  /** DIR and the options that point switchyard-node apply or run at this node. */
  args(dir: string): string[];
}

export function demoNode(t: ExecutionContext, prefix: string): DemoNode {
  const ns = createNetns(t, prefix);
  const device = uniqueName(prefix);
  ns.run(['ip', 'link', 'add', device, 'type', 'veth', 'peer', 'name', uniqueName(`${prefix}p`)]);
  ns.run(['ip', 'link', 'set', device, 'up']);
  const cg = createCgroup(t, `sy-${prefix}`);
  const bpffs = mountBpffs(t);
  const pins = join(bpffs, 'switchyard');
  const state = join(tempDir(t), 'state');
  const bundle = join(process.cwd(), 'dist', 'switchyard-node.js');
  t.teardown(() => void spawnSync(process.execPath, [bundle, 'remove', '--node', DEMO_NODE, '--bpffs', pins, '--state', state]));
  return {
    ns, cg, device, bpffs, pins, state,
    args: (dir) => [dir, '--node', DEMO_NODE, '--device', device, '--cgroup', cg.relative, '--bpffs', pins, '--state', state],
  };
}
