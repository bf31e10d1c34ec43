// Conntrack's clock has one source: nodeport/clock.ts's ctNow (jiffies × the node's measured
// jiffy, in the unit of the entries' `expires`). A raw bpf_jiffies64() elsewhere in the datapath
// compares jiffies with nanoseconds and ages every entry at once; it type-checks, so this test
// is what catches it (it did once, when two changes met in a merge).

import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const DATAPATH = 'compiler/datapath';
const CLOCK = 'compiler/datapath/nodeport/clock.ts';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

test('only nodeport/clock.ts reads bpf_jiffies64: every other datapath file takes the time from ctNow', (t) => {
  const files = sources(DATAPATH);
  t.true(files.includes(CLOCK), `${CLOCK} is where the clock lives`);
  const readers = files.filter((f) => f !== CLOCK && /\bbpf_jiffies64\s*\(/.test(readFileSync(f, 'utf8').replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, '')));
  t.deepEqual(readers.map((f) => relative('.', f)), [], 'read the conntrack clock with ctNow() (nodeport/clock.ts)');
});
