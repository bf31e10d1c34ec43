// Golden files beside their inputs: compared as text, rewritten only when UPDATE_GOLDEN=1.

import type { ExecutionContext } from 'ava';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function matchGolden(t: ExecutionContext, relative: string, actual: string): void {
  const path = fileURLToPath(new URL(relative, import.meta.url));
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(path, actual);
    t.pass(`rewrote ${relative}`);
    return;
  }
  if (!existsSync(path)) return void t.fail(`${relative} is missing; run with UPDATE_GOLDEN=1 to create it`);
  t.is(actual, readFileSync(path, 'utf8'), `${relative} differs; review, then UPDATE_GOLDEN=1 to accept`);
}
