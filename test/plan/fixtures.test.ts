// One fixture per SY2xxx code (test/plan/fixtures/syNNNN-*), each beside its expected output:
// the diagnostics as `switchyard compile` prints them. UPDATE_GOLDEN=1 rewrites the .expected files.

import test from 'ava';
import { matchGolden } from '../helpers/golden.ts';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileGroups } from '../../compiler/cli/compile-clusters.ts';
import { specGroups } from '../../compiler/cli/spec-paths.ts';
import { formatDiagnostic, type Diagnostic } from '../../compiler/diagnostics.ts';
import { buildModel } from '../../compiler/model/build.ts';
import { runPipeline } from '../../compiler/pipeline.ts';
import { planCluster } from '../../compiler/plan/build.ts';
import { planCodes } from '../../compiler/plan/codes.ts';
import type { Spec } from '../../compiler/spec/types.ts';

const dir = relative(process.cwd(), join(import.meta.dirname, 'fixtures'));
const fixtures = readdirSync(dir)
  .filter((n) => /^sy\d{4}-/.test(n) && (n.endsWith('.yaml') || n.endsWith('.fixture.ts') || statSync(join(dir, n)).isDirectory()))
  .sort();
const baseName = (n: string): string => n.replace(/\.(yaml|fixture\.ts)$/, '');

const quietIO = { stdout: { write: () => true }, stderr: { write: () => true }, cwd: process.cwd(), env: {} };

async function diagnosticsOf(name: string): Promise<Diagnostic[]> {
  const path = join(dir, name);
  if (name.endsWith('.fixture.ts')) {
    const mod = (await import(pathToFileURL(path).href)) as { default: () => Spec };
    return planCluster(buildModel(mod.default())).diagnostics;
  }
  if (statSync(path).isDirectory()) return compileGroups(specGroups(process.cwd(), [path]).groups, undefined, quietIO).diagnostics;
  const lockFile = join(dir, `${baseName(name)}.lock`);
  return runPipeline({ paths: [path], lockFile: existsSync(lockFile) ? lockFile : undefined }).diagnostics;
}

for (const name of fixtures) {
  test(`fixture ${name}`, async (t) => {
    const code = name.slice(0, 6).toUpperCase();
    const got = (await diagnosticsOf(name)).map(formatDiagnostic).join('\n') + '\n';
    const expectedFile = join(dir, `${baseName(name)}.expected`);
    matchGolden(t, expectedFile, got, import.meta.filename);
    t.true(got.includes(code), `${name} must produce ${code}`);
    t.false(/SY1\d{3}/.test(got), `${name} must get past the spec stage`);
  });
}

test('every SY2xxx code has a fixture', (t) => {
  const covered = new Set(fixtures.map((n) => n.slice(0, 6).toUpperCase()));
  const missing = Object.keys(planCodes).filter((c) => !covered.has(c));
  t.deepEqual(missing, [], `add test/plan/fixtures/<code>-<what>.yaml for ${missing.join(', ')}`);
});
