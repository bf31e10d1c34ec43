// The kubectl List twin of the demo (test/spec/twin, owned by the spec front end) compiles to
// the same plan as the compact demo: every generated file equal but the manifest's input hash.

import test from 'ava';
import { runPipeline } from '../../compiler/pipeline.ts';
import { parseManifest } from '../../runtime/format/manifest.ts';

test('the kubectl List twin compiles to the same output as its compact twin', (t) => {
  const compact = runPipeline({ paths: ['specs/demo'] });
  const twin = runPipeline({ paths: ['test/spec/twin'] });
  t.true(compact.ok && twin.ok, [...compact.diagnostics, ...twin.diagnostics].map((d) => d.message).join('\n'));
  const a = compact.ctx.artifacts!.files;
  const b = twin.ctx.artifacts!.files;
  t.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
  for (const [path, bytes] of a) {
    if (path === 'manifest.json') continue;
    t.true(Buffer.from(bytes).equals(Buffer.from(b.get(path)!)), `${path} differs`);
  }
  const ma = parseManifest(Buffer.from(a.get('manifest.json')!).toString());
  const mb = parseManifest(Buffer.from(b.get('manifest.json')!).toString());
  t.not(ma.inputHash, mb.inputHash, 'different inputs');
  t.deepEqual({ ...mb, inputHash: '' }, { ...ma, inputHash: '' });
});
