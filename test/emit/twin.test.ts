// The kubectl List twin of the demo (test/spec/twin, owned by the spec front end) compiles to
// the same plan as the compact demo: every generated file equal but the manifest's input hash,
// and the lock: the twin's LoadBalancer address comes from its status, which is never locked.

import test from 'ava';
import { runPipeline } from '../../compiler/pipeline.ts';
import { parseManifest } from '../../format/manifest.ts';

test('the kubectl List twin compiles to the same output as its compact twin', (t) => {
  const compact = runPipeline({ paths: ['specs/demo'] });
  const twin = runPipeline({ paths: ['test/spec/twin'] });
  t.true(compact.ok && twin.ok, [...compact.diagnostics, ...twin.diagnostics].map((d) => d.message).join('\n'));
  const a = compact.ctx.artifacts!.files;
  const b = twin.ctx.artifacts!.files;
  t.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
  for (const [path, bytes] of a) {
    if (path === 'manifest.json' || path === 'switchyard.lock') continue;
    t.true(Buffer.from(bytes).equals(Buffer.from(b.get(path)!)), `${path} differs`);
  }
  const lockA = Buffer.from(a.get('switchyard.lock')!).toString().split('\n');
  const lockB = Buffer.from(b.get('switchyard.lock')!).toString().split('\n');
  t.deepEqual(lockA.filter((l) => !lockB.includes(l)), ['loadbalancerip default/lb 10.3.0.1'], 'only the allocated address, which the twin has from its status');
  t.deepEqual(lockB.filter((l) => !lockA.includes(l)), []);
  const ma = parseManifest(Buffer.from(a.get('manifest.json')!).toString());
  const mb = parseManifest(Buffer.from(b.get('manifest.json')!).toString());
  t.not(ma.inputHash, mb.inputHash, 'different inputs');
  const sums = (m: typeof ma) => ({ ...m, inputHash: '', files: { ...m.files, 'switchyard.lock': '' } });
  t.deepEqual(sums(mb), sums(ma));
});
