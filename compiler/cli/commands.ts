// The command registry: one entry per file in this folder. A new command is one file and one
// line here.

import type { Command } from './command.ts';
import { compileCommand } from './compile.ts';
import { diffCommand } from './diff.ts';
import { startCommand } from './start.ts';
import { traceCommand } from './trace.ts';
import { verifyCommand } from './verify.ts';

export const commands: readonly Command[] = [
  compileCommand,
  diffCommand,
  startCommand,
  traceCommand,
  verifyCommand,
];
