// Parses argv against a command's option table: `--out DIR`, `--out=DIR`, `-o DIR`, `-oDIR`,
// boolean flags, `--` to end options. Errors are messages that say how to get help.

import type { Command, ParsedArgs } from './command.ts';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(cmd: Command, argv: readonly string[]): ParsedArgs {
  const options: ParsedArgs['options'] = {};
  const positionals: string[] = [];
  const help = `run 'switchyard ${cmd.name} --help' for its options`;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      for (const p of argv.slice(i + 1)) positionals.push(p);
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    } else {
      name = arg[1]!;
      inline = arg.length > 2 ? arg.slice(2) : undefined;
    }
    const spec = cmd.options.find((o) => (arg.startsWith('--') ? o.name === name : o.short === name));
    if (!spec) throw new UsageError(`switchyard ${cmd.name}: unknown option ${arg.startsWith('--') ? `--${name}` : `-${name}`}; ${help}`);
    if (spec.value === undefined) {
      if (inline !== undefined) throw new UsageError(`switchyard ${cmd.name}: --${spec.name} takes no value; ${help}`);
      options[spec.name] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`switchyard ${cmd.name}: --${spec.name} needs a ${spec.value}; ${help}`);
    options[spec.name] = value;
  }
  if (cmd.maxPositionals !== undefined && positionals.length > cmd.maxPositionals) {
    throw new UsageError(`switchyard ${cmd.name}: too many arguments (${positionals.join(' ')}); usage: ${cmd.usage}`);
  }
  if (cmd.minPositionals !== undefined && positionals.length < cmd.minPositionals) {
    throw new UsageError(`switchyard ${cmd.name}: missing arguments; usage: ${cmd.usage}`);
  }
  return { options, positionals };
}

/** `switchyard <command> --help`. */
export function commandHelp(cmd: Command): string {
  const width = Math.max(0, ...cmd.options.map((o) => optionLabel(o).length));
  const opts = cmd.options.map((o) => `  ${optionLabel(o).padEnd(width)}  ${o.help}`);
  return [`usage: ${cmd.usage}`, '', cmd.description.trim(), '', 'options:', ...opts, `  ${'-h, --help'.padEnd(width)}  show this help`, ''].join('\n');
}

function optionLabel(o: { name: string; short?: string; value?: string }): string {
  return `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.value ? ` ${o.value}` : ''}`;
}
