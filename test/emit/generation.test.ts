// The manifest's generation: what switchyard-node run orders revisions by. It must stay put when
// an unchanged spec is compiled again (generated/ stays byte-identical, `compile --check` passes)
// and grow by one when the output changes.

import test from 'ava';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeArtifacts } from '../../compiler/emit/write-output.ts';
import { runPipeline } from '../../compiler/pipeline.ts';
import { nextGeneration, parseManifest } from '../../format/manifest.ts';

test('nextGeneration: 1 first, the same when no file changed, one more when one did', (t) => {
  t.is(nextGeneration({ a: '1' }, undefined), 1);
  t.is(nextGeneration({ a: '1' }, { files: { a: '1' }, generation: 4 }), 4);
  t.is(nextGeneration({ a: '2' }, { files: { a: '1' }, generation: 4 }), 5);
  t.is(nextGeneration({ a: '1', b: '1' }, { files: { a: '1' }, generation: 4 }), 5, 'a file added');
  t.is(nextGeneration({ a: '1' }, { files: { a: '1' } }), 1, 'a manifest from before generations: unchanged output is generation 1');
  t.is(nextGeneration({ a: '2' }, { files: { a: '1' } }), 1, 'and changed output its first generation');
});

test('compiling into the same output: unchanged spec keeps the generation, a changed one bumps it', (t) => {
  const work = mkdtempSync(join(tmpdir(), 'sy-gen-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const spec = join(work, 'cluster.yaml');
  const out = join(work, 'out');
  const base = readFileSync('specs/demo/cluster.yaml', 'utf8');
  const compile = (text: string): number => {
    writeFileSync(spec, text);
    const r = runPipeline({ paths: [spec], outRoot: out });
    t.true(r.ok);
    writeArtifacts(out, r.ctx.artifacts!);
    return parseManifest(readFileSync(join(out, 'demo', 'manifest.json'), 'utf8')).generation!;
  };
  t.is(compile(base), 1);
  t.is(compile(base), 1, 'the same spec again');
  const changed = base.replace('10.1.0.2', '10.1.0.3');
  t.not(changed, base);
  t.is(compile(changed), 2);
  t.is(compile(changed), 2);
  t.is(compile(base), 3, 'going back to the old spec is a new revision, not the old generation');
});

test('parseManifest refuses a generation that is not a positive integer', (t) => {
  const m = (g: unknown) => JSON.stringify({ format: 1, generator: 'x', cluster: 'c', inputHash: 'h', generation: g, nodes: {}, files: {} });
  t.is(parseManifest(m(3)).generation, 3);
  t.throws(() => parseManifest(m(0)), { message: /"generation" is 0/ });
  t.throws(() => parseManifest(m('7')), { message: /not a positive integer/ });
});
