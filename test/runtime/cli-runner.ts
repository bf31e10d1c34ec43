// Runs switchyard-node as a separate process, the way a node runs it: optionally inside a test
// network namespace (nsenter --net only, so the test's bpffs mount and cgroups stay visible), and
// optionally told to die at a named apply step.

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Netns } from '../helpers/netns.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const main = join(root, 'runtime', 'cli', 'main.ts');

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runNodeCli(args: string[], o: { netns?: Netns; dieAt?: string } = {}): CliResult {
  const argv = [...(o.netns ? o.netns.enter : []), process.execPath, '--import', 'tsx', main, ...args];
  const env = { ...process.env, ...(o.dieAt ? { SWITCHYARD_DIE_AT: o.dieAt } : {}) };
  if (!o.dieAt) delete env.SWITCHYARD_DIE_AT;
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', cwd: root, env, timeout: 120_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
