// Determinism: the same spec, in any order and from any file order, gives byte-identical output.

import test from 'ava';
import { runPipeline } from '../../compiler/pipeline.ts';
import type { Spec } from '../../compiler/spec/types.ts';
import { talkSpec } from '../plan/helpers.ts';
import { compileSpec, shuffled } from './helpers.ts';

function same(t: import('ava').ExecutionContext, a: Map<string, Uint8Array>, b: Map<string, Uint8Array>): void {
  t.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
  for (const [path, bytes] of a) t.true(Buffer.from(bytes).equals(Buffer.from(b.get(path)!)), `${path} differs`);
}

test('compiling twice gives byte-identical output', (t) => {
  same(t, compileSpec(talkSpec()).set.files, compileSpec(talkSpec()).set.files);
  const a = runPipeline({ paths: ['specs/demo'] });
  const b = runPipeline({ paths: ['specs/demo'] });
  t.true(a.ok);
  same(t, a.ctx.artifacts!.files, b.ctx.artifacts!.files);
});

test('shuffled input order gives byte-identical output', (t) => {
  const base = compileSpec(talkSpec()).set.files;
  for (const seed of [1, 2, 3, 42]) {
    const s = talkSpec();
    const mixed: Spec = {
      ...s,
      nodes: shuffled(s.nodes, seed),
      services: shuffled(s.services, seed).map((svc) => ({ ...svc, backends: shuffled(svc.backends, seed + 1), ports: shuffled(svc.ports, seed + 2) })),
      hostPorts: shuffled(s.hostPorts, seed),
      inputs: shuffled(s.inputs, seed),
    };
    same(t, base, compileSpec(mixed).set.files);
  }
});

test('input files in another order give byte-identical output', (t) => {
  const dir = 'test/emit/fixtures/split';
  const a = runPipeline({ paths: [`${dir}/b-services.yaml`, `${dir}/a-cluster.yaml`] });
  const b = runPipeline({ paths: [`${dir}/a-cluster.yaml`, `${dir}/b-services.yaml`] });
  t.true(a.ok, a.diagnostics.map((d) => d.message).join('\n'));
  same(t, a.ctx.artifacts!.files, b.ctx.artifacts!.files);
});
