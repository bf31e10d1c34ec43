// One fixture per diagnostic code: test/spec/fixtures/<code>-<what>.yaml (or a directory of that
// name) beside <code>-<what>.expected, the formatted diagnostics. UPDATE_GOLDEN=1 rewrites them.

import test from 'ava';
import { matchGolden } from '../helpers/golden.ts';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { codes } from '../../compiler/spec/codes.ts';
import { loadSpec } from '../../compiler/spec/load.ts';

const DIR = 'test/spec/fixtures';

/** Fixture name → input path: every *.yaml file and every directory in DIR. */
const fixtures = new Map(
  readdirSync(DIR)
    .filter((e) => e.endsWith('.yaml') || statSync(join(DIR, e)).isDirectory())
    .sort()
    .map((e) => [e.replace(/\.yaml$/, ''), join(DIR, e)] as const),
);

function render(path: string): string {
  const { spec, diagnostics } = loadSpec([path]);
  const lines = diagnostics.map(formatDiagnostic);
  lines.push(spec ? '(spec loaded)' : '(no spec)');
  return lines.join('\n') + '\n';
}

for (const [name, path] of fixtures) {
  test(`fixture ${name}`, (t) => {
    matchGolden(t, join(DIR, `${name}.expected`), render(path), import.meta.filename);
  });
}

test('every SY1xxx code has a fixture whose expected output reports it', (t) => {
  for (const code of Object.keys(codes)) {
    const name = [...fixtures.keys()].find((n) => n.startsWith(`${code}-`));
    t.truthy(name, `no fixture for ${code} (${codes[code as keyof typeof codes].title}): add ${DIR}/${code}-<what>.yaml`);
    if (!name) continue;
    const expectedPath = join(DIR, `${name}.expected`);
    const expected = existsSync(expectedPath) ? readFileSync(expectedPath, 'utf8') : '';
    t.regex(expected, new RegExp(` ${code}: `), `${name}.expected does not report ${code}`);
  }
});

test('every fixture and expected file belongs to a fixture, so none is left behind', (t) => {
  const strays = readdirSync(DIR)
    .filter((e) => e.endsWith('.expected'))
    .filter((e) => !fixtures.has(e.replace(/\.expected$/, '')));
  t.deepEqual(strays, []);
});
