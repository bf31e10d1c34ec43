// `switchyard`: the compiler's command line. Finds the command in the registry, parses its
// options, prints help where asked, and turns exceptions into one clear line and exit code 2.

import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { printable, printableLines } from '../../format/printable.ts';
import { VERSION } from '../emit/version.ts';
import { commandHelp, parseArgs, UsageError } from './args.ts';
import { EXIT, type CliIO, type Command } from './command.ts';
import { commands } from './commands.ts';

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `switchyard ${VERSION}: Kubernetes services compiled ahead of time into eBPF`,
    '',
    'usage: switchyard <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "run 'switchyard <command> --help' for a command's options",
    '',
  ].join('\n');
}

function closest(name: string): string | undefined {
  const dist = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0]![j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    return d[a.length]![b.length]!;
  };
  const best = commands.map((c) => [c.name, dist(name, c.name)] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= 2 ? best[0] : undefined;
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env, readStdin: () => readFileSync(0, 'utf8') };
}

export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    const cmd = topic !== undefined ? commands.find((c) => c.name === topic) : undefined;
    if (topic !== undefined && !cmd) {
      io.stderr.write(`switchyard help: no command "${printable(topic)}"; run 'switchyard --help' for the list\n`);
      return EXIT.error;
    }
    // No command at all is a usage error: the overview goes to stderr with exit code 2.
    (first === undefined ? io.stderr : io.stdout).write(cmd ? commandHelp(cmd) : overview());
    return first === undefined ? EXIT.error : EXIT.ok;
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`switchyard ${VERSION}\n`);
    return EXIT.ok;
  }
  const cmd: Command | undefined = commands.find((c) => c.name === first);
  if (!cmd) {
    const guess = closest(first);
    io.stderr.write(`switchyard: unknown command "${printable(first)}"${guess ? `; did you mean "${guess}"?` : ';'} run 'switchyard --help' for the list\n`);
    return EXIT.error;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(cmd));
    return EXIT.ok;
  }
  try {
    return await cmd.run(parseArgs(cmd, rest), io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`${printableLines(e.message)}\n`);
      return EXIT.error;
    }
    const err = e as NodeJS.ErrnoException;
    io.stderr.write(`switchyard ${cmd.name}: ${printableLines(err.message)}${io.env.SWITCHYARD_DEBUG ? `\n${err.stack}` : '\n(set SWITCHYARD_DEBUG=1 for the stack)'}\n`);
    return EXIT.error;
  }
}

function isEntry(): boolean {
  try {
    return process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

// Not a top-level await: the bundle is a classic script (launch.ts runs it with a code cache).
if (isEntry()) void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
