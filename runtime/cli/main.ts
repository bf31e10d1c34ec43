// switchyard-node: the node runtime's command line (apply, run, status, dump, remove, health).
// Bundled by esbuild into dist/switchyard-node.js, which needs nothing of the repository but
// koffi beside it.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { apply } from '../apply.ts';
import { DEFAULT_LISTEN } from '../agent/http.ts';
import { runAgent } from '../agent/run.ts';
import { dumpMaps } from '../dump.ts';
import { printableLines } from '../../format/printable.ts';
import { DEFAULT_BPFFS } from '../mounts.ts';
import { fromPinSafe, PinLayout } from '../pins.ts';
import { ProgramRefusedError } from '../program.ts';
import { removeNode } from '../remove.ts';
import { serveHealth } from '../health.ts';
import { StateDir } from '../state.ts';
import { privilegeHint } from '../sys/capabilities.ts';
import { nodeStatus } from '../status.ts';
import { DEFAULT_STATE, usage, type Command } from './usage.ts';

class UsageError extends Error {}

// Parsed by util.parseArgs (strict). Every flag is declared once here (its help is in usage.ts);
// each command lists the flags it takes, so a flag meant for another command is an error naming
// this one, not silently ignored. What each command takes besides options is data too
// (commandArgs), checked before it runs.
const allOptions = {
  node: { type: 'string' },
  device: { type: 'string', multiple: true },
  cgroup: { type: 'string' },
  bpffs: { type: 'string' },
  state: { type: 'string' },
  'dry-run': { type: 'boolean' },
  reconcile: { type: 'boolean' },
  verbose: { type: 'boolean' },
  'no-verify': { type: 'boolean' },
  address: { type: 'string' },
  listen: { type: 'string' },
  'allow-downgrade': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Flag = keyof typeof allOptions;

/** Taken by every command: its help, and --verbose (a bug's stack; the verifier log for apply). */
const everyCommand: readonly Flag[] = ['help', 'verbose'];

/**
 * Where a node's datapath lives: its name, its pins and its state. Every command that acts on
 * the pins takes all three, so one set of flags names a node for all of them (dump reads no
 * state, but refusing --state there would only make scripts spell the node two ways).
 */
const nodeLocation: readonly Flag[] = ['node', 'bpffs', 'state'];

/** A command's positional arguments (as many as min..max, named `what` in errors), whether --node is required, and its flags. */
interface CommandArgs {
  min: number;
  max: number;
  what: string;
  needsNode: boolean;
  flags: readonly Flag[];
}

const commandArgs: Record<Command, CommandArgs> = {
  apply: {
    min: 1, max: 1, what: 'one DIR', needsNode: true,
    flags: [...nodeLocation, 'device', 'cgroup', 'dry-run', 'reconcile', 'no-verify'],
  },
  run: {
    min: 1, max: 1, what: 'one DIR', needsNode: true,
    flags: [...nodeLocation, 'device', 'cgroup', 'listen', 'address', 'allow-downgrade', 'no-verify'],
  },
  status: { min: 0, max: 0, what: 'no arguments', needsNode: false, flags: nodeLocation },
  dump: { min: 0, max: 1, what: 'at most one MAP', needsNode: false, flags: nodeLocation },
  health: { min: 1, max: 1, what: 'one DIR', needsNode: true, flags: ['node', 'address'] },
  remove: { min: 0, max: 0, what: 'no arguments', needsNode: false, flags: nodeLocation },
};

/**
 * Refuses a flag the command does not take. parseArgs runs over the whole table first (so its
 * own errors, and a value's type, stay as they are); a flag of another command is then named
 * with the command and its --help.
 */
function checkFlags(cmd: Command, given: Record<string, unknown>): void {
  const takes = new Set<string>([...everyCommand, ...commandArgs[cmd].flags]);
  const foreign = Object.keys(given).filter((f) => !takes.has(f));
  if (foreign.length) {
    const list = foreign.map((f) => `--${f}`).join(', ');
    throw new UsageError(`${cmd} does not take ${list} (see switchyard-node ${cmd} --help)\n\n${usage[cmd]}`);
  }
}

/** The error line, control characters escaped, and which capabilities a refusal lacked. */
function printError(e: unknown, cmd: string): void {
  console.error(`switchyard-node: error: ${printableLines((e as Error).message)}`);
  const hint = privilegeHint(e, cmd);
  if (hint) console.error(`switchyard-node ${hint}`);
}

/** --node, or the only node pinned under --bpffs. */
function nodeName(given: string | undefined, bpffs: string): string {
  if (given) return given;
  let nodes: string[] = [];
  try {
    nodes = readdirSync(bpffs, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => fromPinSafe(d.name));
  } catch {
    // no directory: no nodes
  }
  if (nodes.length === 1) return nodes[0]!;
  throw new UsageError(nodes.length ? `several nodes under ${bpffs} (${nodes.join(', ')}); pass --node` : `nothing applied under ${bpffs}; pass --node or --bpffs`);
}

function run(argv: string[]): number {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(usage.main);
    return command ? 0 : 2;
  }
  if (!(command in usage) || command === 'main') throw new UsageError(`unknown command '${command}'\n\n${usage.main}`);
  const cmd = command as Command;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: allOptions, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${usage[cmd]}`);
  }
  const { values: v, positionals } = parsed;
  checkFlags(cmd, v);
  if (v.help) {
    console.log(usage[cmd]);
    return 0;
  }
  const shape = commandArgs[cmd];
  if (positionals.length < shape.min || positionals.length > shape.max) throw new UsageError(`${cmd} takes ${shape.what}\n\n${usage[cmd]}`);
  if (shape.needsNode && !v.node) throw new UsageError(`${cmd} needs --node NAME\n\n${usage[cmd]}`);
  const bpffs = v.bpffs ?? DEFAULT_BPFFS;
  const stateRoot = v.state ?? DEFAULT_STATE;
  // What apply and run both act on: the artifacts, the node, and where its pins, state and hooks are.
  const target = (dir: string, node: string) => ({
    dir,
    node,
    bpffs,
    stateDir: join(stateRoot, node),
    ...(v.cgroup !== undefined ? { cgroup: v.cgroup } : {}),
    devices: v.device ?? [],
  });
  const say = (lines: string[]) => lines.forEach((l) => console.log(l));

  switch (cmd) {
    case 'apply': {
      const r = apply({
        ...target(positionals[0]!, v.node!),
        dryRun: !!v['dry-run'],
        reconcile: !!v.reconcile,
        verbose: !!v.verbose,
        noVerify: !!v['no-verify'],
        log: (l) => console.log(l),
      });
      say(r.lines);
      console.log(`${v['dry-run'] ? 'dry run done' : r.changed ? 'applied' : 'already up to date'} in ${r.ms.toFixed(1)} ms`);
      return 0;
    }
    case 'run': {
      const stamp = (l: string) => console.log(`${new Date().toISOString()} ${l}`);
      // Runs until stopped: the watcher and the servers keep the process alive.
      runAgent({
        ...target(positionals[0]!, v.node!),
        allowDowngrade: !!v['allow-downgrade'],
        noVerify: !!v['no-verify'],
        listen: v.listen ?? DEFAULT_LISTEN,
        ...(v.address !== undefined ? { healthAddress: v.address } : {}),
        log: (l) => l.split('\n').forEach(stamp),
      }).catch((e: Error) => {
        printError(e, cmd);
        process.exit(1);
      });
      return 0;
    }
    case 'status': {
      const node = nodeName(v.node, bpffs);
      const s = nodeStatus(new PinLayout(bpffs, node), new StateDir(join(stateRoot, node)));
      say(s.lines);
      return s.healthy ? 0 : 3;
    }
    case 'dump': {
      const node = nodeName(v.node, bpffs);
      say(dumpMaps(new PinLayout(bpffs, node), positionals[0]));
      return 0;
    }
    case 'health': {
      // Runs until stopped: the listening servers keep the process alive.
      serveHealth(positionals[0]!, v.node!, v.address).then(
        (h) => {
          say(h.lines);
          console.log(`health: ready, ${h.lines.length} port(s) served for node ${v.node}`);
        },
        (e: Error) => {
          printError(e, cmd);
          process.exit(1);
        },
      );
      return 0;
    }
    case 'remove': {
      const node = nodeName(v.node, bpffs);
      say(removeNode(new PinLayout(bpffs, node), new StateDir(join(stateRoot, node))));
      return 0;
    }
  }
}

/**
 * A JavaScript engine error (TypeError, RangeError, ...) is a bug in switchyard-node, and its stack
 * is what a report needs. Every other error already names the operation, the object and the next
 * step; a stack after it only hides the message.
 */
function isBug(e: unknown): boolean {
  return !(e instanceof Error) || e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError;
}

function main(): void {
  const verbose = process.argv.includes('--verbose');
  try {
    process.exitCode = run(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`switchyard-node: ${printableLines(e.message)}`);
      process.exitCode = 2;
      return;
    }
    printError(e, process.argv[2] ?? '');
    if (verbose && e instanceof ProgramRefusedError) console.error(`\nverifier log of ${e.program}:\n${e.log}`);
    else if (isBug(e)) console.error(verbose ? String((e as Error).stack ?? e) : '(a bug in switchyard-node: run again with --verbose for the stack, and report it)');
    process.exitCode = 1;
  }
}

main();
