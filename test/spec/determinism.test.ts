// The Spec does not depend on the order of input paths, files or documents: the plan's stable
// output starts here.

import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadSpec } from '../../compiler/spec/load.ts';
import type { Spec } from '../../compiler/spec/types.ts';

function meaning(spec: Spec | undefined): unknown {
  return JSON.parse(JSON.stringify({ ...spec, inputs: undefined }, (k, v) => (k === 'at' || k === 'pos' ? undefined : v)));
}

/** A small deterministic PRNG, so a failure reproduces. */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

test('the order of the paths given does not change the Spec, ranges included', (t) => {
  const a = loadSpec(['test/spec/twin/cluster.yaml', 'test/spec/twin/list.yaml']);
  const b = loadSpec(['test/spec/twin/list.yaml', 'test/spec/twin', 'test/spec/twin/cluster.yaml']);
  t.truthy(a.spec);
  t.deepEqual(a, b);
});

test('the order of the paths given does not change the diagnostics', (t) => {
  // The demo twice over: every name is a duplicate, and the first definition must stay the first.
  const a = loadSpec(['test/spec/twin', 'specs/demo']);
  const b = loadSpec(['specs/demo/cluster.yaml', 'test/spec/twin/list.yaml', 'test/spec/twin/cluster.yaml']);
  t.true(a.diagnostics.length > 5);
  t.deepEqual(a, b);
});

test('manifests shuffled across files and documents load into the same Spec', (t) => {
  const list = parse(readFileSync('test/spec/twin/list.yaml', 'utf8')) as { items: Record<string, unknown>[] };
  const reference = loadSpec(['test/spec/twin']);
  t.truthy(reference.spec);
  for (const seed of [1, 7, 42]) {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-spec-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, `${seed}-cluster.yaml`), readFileSync('test/spec/twin/cluster.yaml'));
    const items = shuffled(list.items, seed);
    // Three files, named so that their sorted order differs from the original object order.
    for (let f = 0; f < 3; f++) {
      const docs = items.filter((_, i) => i % 3 === f).map((item) => stringify(item));
      writeFileSync(join(dir, `${(f * 7 + seed) % 10}-part.yaml`), docs.join('---\n'));
    }
    const got = loadSpec([dir]);
    t.deepEqual(got.diagnostics, []);
    t.deepEqual(meaning(got.spec), meaning(reference.spec), `seed ${seed}`);
  }
});
