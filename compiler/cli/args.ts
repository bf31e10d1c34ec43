// Parses argv against a command's option table with Node's util.parseArgs: `--out DIR`,
// `--out=DIR`, `-o DIR`, `-oDIR`, boolean flags, `--` to end options. Errors are messages that
// name the command and say how to get help.
//
// What util.parseArgs cannot express, and is done here around it: its strict mode throws errors
// that name neither the command nor its --help, so it runs non-strict with tokens, and unknown
// options, a value given to a flag and a missing value are reported here from the tokens; the
// number of positionals a command takes is checked here too (parseArgs allows any or none).

import { parseArgs as nodeParseArgs } from 'node:util';
import type { Command, ParsedArgs } from './command.ts';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseArgs(cmd: Command, argv: readonly string[]): ParsedArgs {
  const help = `run 'switchyard ${cmd.name} --help' for its options`;
  const fail = (message: string): never => {
    throw new UsageError(`switchyard ${cmd.name}: ${message}`);
  };
  const config = Object.fromEntries(
    cmd.options.map((o) => [o.name, { type: o.value === undefined ? 'boolean' : 'string', ...(o.short ? { short: o.short } : {}) } as const]),
  );
  const { tokens } = nodeParseArgs({ args: [...argv], options: config, allowPositionals: true, strict: false, tokens: true });
  const options: ParsedArgs['options'] = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const spec = cmd.options.find((o) => o.name === token.name);
    if (!spec) fail(`unknown option ${token.rawName}; ${help}`);
    if (spec!.value === undefined) {
      if (token.value !== undefined) fail(`--${spec!.name} takes no value; ${help}`);
      options[spec!.name] = true;
    } else {
      if (token.value === undefined) fail(`--${spec!.name} needs a ${spec!.value}; ${help}`);
      options[spec!.name] = token.value;
    }
  }
  if (cmd.maxPositionals !== undefined && positionals.length > cmd.maxPositionals) {
    fail(`too many arguments (${positionals.join(' ')}); usage: ${cmd.usage}`);
  }
  if (cmd.minPositionals !== undefined && positionals.length < cmd.minPositionals) {
    fail(`missing arguments; usage: ${cmd.usage}`);
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
