// Golden files, the one way every test keeps them: compared as text, rewritten only when
// UPDATE_GOLDEN=1 (STYLE.md lesson 6), and a missing or differing one fails naming the command
// that rewrites it, to be run after reviewing the difference.

import type { ExecutionContext } from 'ava';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';

/** Whether this run rewrites golden files instead of comparing them. */
export const updatingGolden = (): boolean => process.env.UPDATE_GOLDEN === '1';

/** `UPDATE_GOLDEN=1 npx ava <test file>`: the command a failure names. */
export const updateCommand = (testFile: string): string =>
  `UPDATE_GOLDEN=1 npx ava ${isAbsolute(testFile) ? relative(process.cwd(), testFile) : testFile}`;

/**
 * Compares `actual` with the golden file at `path` (rewriting it under UPDATE_GOLDEN=1).
 * `testFile`, when given, makes the failure name the exact command to run.
 */
export function matchGolden(t: ExecutionContext, path: string, actual: string, testFile?: string): void {
  const name = isAbsolute(path) ? relative(process.cwd(), path) : path;
  const rerun = testFile ? `\`${updateCommand(testFile)}\`` : 'UPDATE_GOLDEN=1';
  if (updatingGolden()) {
    writeFileSync(path, actual);
    t.pass(`rewrote ${name}`);
    return;
  }
  if (!existsSync(path)) return void t.fail(`${name} is missing; run with ${rerun} to create it, then review it`);
  t.is(actual, readFileSync(path, 'utf8'), `${name} differs; review the change, then ${rerun} accepts it`);
}
