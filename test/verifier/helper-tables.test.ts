// The generated helper tables (verifier/assembly/helper-tables.ts) against the running kernel:
// a helper the table lets a program type call that this kernel refuses, or a GPL-only helper
// the table misses, would be an unsound accept; either fails, naming the regeneration command.
// Helpers the kernel allows beyond the table are only false alarms, and are logged.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelTest } from '../helpers/kernel.ts';
import { kinds, probeAvailable, probeGplOnly } from './helper-probe.ts';

const tablesPath = join(import.meta.dirname, '../../verifier/assembly/helper-tables.ts');
const regenerate = 'regenerate with `npx tsx test/verifier/probe-helpers.ts` (as root) and review the diff';

/** The ids set in table `name` of the generated file. */
function tableIds(name: string): number[] {
  const m = readFileSync(tablesPath, 'utf8').match(new RegExp(`export const ${name}: StaticArray<u32> = \\[([^\\]]*)\\]`));
  if (!m) throw new Error(`${tablesPath}: no table ${name}`);
  const ids: number[] = [];
  m[1]!.split(',').map((w) => Number(w.trim())).forEach((w, k) => {
    for (let b = 0; b < 32; b++) if ((w >>> b) & 1) ids.push(k * 32 + b);
  });
  return ids;
}

kernelTest('every helper the tables allow, this kernel allows; GPL-only ones are marked', (t) => {
  const gplOnly = new Set(tableIds('GPL_ONLY'));
  for (const k of kinds) {
    const table = tableIds(k.name);
    const kernel = new Set(probeAvailable(k));
    t.deepEqual(table.filter((id) => !kernel.has(id)), [], `${k.what}: the table allows helpers this kernel refuses; ${regenerate}`);
    const extra = [...kernel].filter((id) => !table.includes(id));
    if (extra.length) t.log(`${k.what}: this kernel also allows ${extra.join(' ')} (false alarms only)`);
    const missingGpl = table.filter((id) => !gplOnly.has(id) && probeGplOnly(id, k));
    t.deepEqual(missingGpl, [], `${k.what}: GPL-only helpers the table does not mark; ${regenerate}`);
  }
});
