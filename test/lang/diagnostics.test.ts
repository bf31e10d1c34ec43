// Rejected constructs: each fixture in fixtures/rejected/ is a BPF-TS file outside the subset
// (or against its rules), named for the code it must produce; the diagnostics it gets, with
// file:line:col, are kept beside it as <name>.diag (UPDATE_GOLDEN=1 rewrites them).

import test from 'ava';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { compileSources } from '../../compiler/lang/compile.ts';
import { addFiles } from '../../compiler/lang/front/source.ts';
import { allCodes } from '../../compiler/diagnostics.ts';
import { project } from './helpers.ts';
import { matchGolden } from '../helpers/golden.ts';

const dir = fileURLToPath(new URL('fixtures/rejected/', import.meta.url));
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();

for (const f of fixtures) {
  const code = f.slice(0, 6);
  test(`rejected: ${f.replace(/\.ts$/, '')}`, (t) => {
    const set = project();
    const [file] = addFiles(set, [join(dir, f)]);
    try {
      const r = compileSources(set, [file!]);
      const text = r.diagnostics.map(formatDiagnostic).join('\n') + '\n';
      t.true(r.diagnostics.some((d) => d.code === code && d.severity === 'error'), `${f} gives ${code}:\n${text}`);
      t.true(r.diagnostics.every((d) => d.range?.file.endsWith(f) ?? false), 'every diagnostic names the fixture with a position');
      t.is(r.object.programs.length, 0, 'nothing is emitted');
      matchGolden(t, join(dir, f.replace(/\.ts$/, '.diag')), text, import.meta.filename);
    } finally {
      set.project.removeSourceFile(file!);
    }
  });
}

test('every BPF-TS diagnostic code has a rejected fixture, or a reason not to', (t) => {
  // SY3065 (missing return) is TypeScript's error first (noImplicitReturns, TS2366/TS7030);
  // SY3069 (a name used twice) needs two files; SY3070 comes from the kernel (verifier.test.ts).
  const exempt = new Set(['SY3065', 'SY3069', 'SY3070']);
  const covered = new Set(fixtures.map((f) => f.slice(0, 6)));
  const missing = allCodes().filter((c) => c.code.startsWith('SY3') && !covered.has(c.code) && !exempt.has(c.code)).map((c) => c.code);
  t.deepEqual(missing, []);
});
