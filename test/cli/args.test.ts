// The compiler CLI's argument parser (compiler/cli/args.ts, util.parseArgs underneath): every
// spelling of an option, `--` and `-`, and errors that name the command and its --help.

import test from 'ava';
import { parseArgs, UsageError } from '../../compiler/cli/args.ts';
import type { Command } from '../../compiler/cli/command.ts';

const cmd: Command = {
  name: 'demo',
  summary: '',
  usage: 'switchyard demo [SPEC...] [-o DIR] [--check]',
  description: '',
  options: [
    { name: 'out', short: 'o', value: 'DIR', help: '' },
    { name: 'check', help: '' },
  ],
  maxPositionals: 2,
  run: () => 0,
};

const parse = (...argv: string[]) => parseArgs(cmd, argv);

test('valued options in every spelling; the last one wins', (t) => {
  for (const argv of [['--out', 'x'], ['--out=x'], ['-o', 'x'], ['-ox'], ['-o', 'y', '--out', 'x']]) {
    t.deepEqual(parse(...argv).options, { out: 'x' }, argv.join(' '));
  }
});

test('flags, positionals, `-` for standard input and `--` ending the options', (t) => {
  t.deepEqual(parse('a', '--check', '-'), { options: { check: true }, positionals: ['a', '-'] });
  t.deepEqual(parse('--', '--check'), { options: {}, positionals: ['--check'] });
});

test('errors name the command, the option and how to get help', (t) => {
  const message = (...argv: string[]) => t.throws(() => parse(...argv), { instanceOf: UsageError })!.message;
  t.is(message('--chek'), "switchyard demo: unknown option --chek; run 'switchyard demo --help' for its options");
  t.is(message('-x'), "switchyard demo: unknown option -x; run 'switchyard demo --help' for its options");
  t.is(message('--check=yes'), "switchyard demo: --check takes no value; run 'switchyard demo --help' for its options");
  t.is(message('--out'), "switchyard demo: --out needs a DIR; run 'switchyard demo --help' for its options");
  t.is(message('a', 'b', 'c'), 'switchyard demo: too many arguments (a b c); usage: switchyard demo [SPEC...] [-o DIR] [--check]');
});
