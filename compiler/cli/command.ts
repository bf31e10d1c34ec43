// What a `switchyard` command is: a name, its help text, its options as data, and a run
// function. The registry (commands.ts) lists them; main.ts parses arguments and dispatches.

export interface OptionSpec {
  /** Long name without dashes: `out` for `--out`. */
  name: string;
  /** One letter: `o` for `-o`. */
  short?: string;
  /** Placeholder of the option's value (`DIR`); absent for a boolean flag. */
  value?: string;
  help: string;
}

export interface ParsedArgs {
  /** Boolean flags are true when given; valued options hold their last value. */
  options: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Where a command reads and writes; tests pass their own to run commands in-process. */
export interface CliIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  cwd: string;
  env: Record<string, string | undefined>;
  /** All of standard input, read when a command is given `-` as a spec. */
  readStdin?(): string;
}

export interface Command {
  name: string;
  /** One line, for `switchyard --help`. */
  summary: string;
  /** `switchyard compile [SPEC...] [-o DIR] [--check]`. */
  usage: string;
  /** Paragraphs shown by `switchyard <command> --help`, after the usage line. */
  description: string;
  options: OptionSpec[];
  /** Positional arguments accepted; undefined: any number. */
  maxPositionals?: number;
  minPositionals?: number;
  /** Returns the exit code: 0 fine, 1 a negative answer (stale, different), 2 errors. */
  run(args: ParsedArgs, io: CliIO): Promise<number> | number;
}

/** Exit codes shared by every command. */
export const EXIT = { ok: 0, negative: 1, error: 2 } as const;
