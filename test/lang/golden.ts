// Golden files beside their inputs, compared as text and rewritten only when UPDATE_GOLDEN=1.

import type { ExecutionContext } from 'ava';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

export function matchGolden(t: ExecutionContext, path: string, actual: string): void {
  const name = relative(process.cwd(), path);
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(path, actual);
    t.pass(`rewrote ${name}`);
    return;
  }
  if (!existsSync(path)) return void t.fail(`${name} is missing; run with UPDATE_GOLDEN=1 to create it`);
  t.is(actual, readFileSync(path, 'utf8'), `${name} differs; review the change, then UPDATE_GOLDEN=1 to accept it`);
}
