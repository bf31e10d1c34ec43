// `switchyard diff --format markdown`: golden pull-request comments beside their inputs
// (fixtures/diff-markdown/old and new, compiled in memory), rewritten only with UPDATE_GOLDEN=1.

import test from 'ava';
import { matchGolden } from '../helpers/golden.ts';
import { join } from 'node:path';
import { main } from '../../compiler/cli/main.ts';
import { diffMarkdown, FOLD_ROWS, MARKDOWN_MARKER } from '../../compiler/emit/diff-markdown.ts';
import { semanticDiff } from '../../compiler/emit/semantic-diff.ts';
import { readTables } from '../../compiler/emit/table-view.ts';

const DIR = 'test/emit/fixtures/diff-markdown';

async function diff(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const code = await main(['diff', ...args], {
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    cwd: process.cwd(),
    env: {},
  });
  return { code, ...out };
}

function golden(t: import('ava').ExecutionContext, file: string, actual: string): void {
  matchGolden(t, join(DIR, file), actual, import.meta.filename);
}

test('services and backends added, removed and changed, as a pull-request comment', async (t) => {
  const r = await diff(['--format', 'markdown', join(DIR, 'old'), join(DIR, 'new')]);
  t.is(r.code, 1, r.stderr);
  golden(t, 'changes.md', r.stdout);
  t.true(r.stdout.startsWith(`${MARKDOWN_MARKER}\n## `), 'the marker, then a heading');
  t.regex(r.stdout, /<details><summary>15 backend changes<\/summary>/, 'the long backend list is folded');
  t.notRegex(r.stdout, /<details><summary>\d+ service changes/, 'the short service list is not');
});

test('nothing changed: "No changes", exit code 0', async (t) => {
  const r = await diff(['--format=markdown', join(DIR, 'old'), join(DIR, 'old')]);
  t.is(r.code, 0, r.stderr);
  golden(t, 'no-changes.md', r.stdout);
  t.notRegex(r.stdout, /\|/, 'no tables');
});

test('an unknown format is a usage error naming the formats', async (t) => {
  const r = await diff(['--format', 'html', join(DIR, 'old'), join(DIR, 'old')]);
  t.is(r.code, 2);
  t.regex(r.stderr, /--format html is not a format; give text or markdown/);
});

const backends = (n: number): string =>
  Array.from({ length: n }, (_, i) => `default/a:http/TCP 10.1.0.${i + 1}:80/TCP id=${i + 1} node=node1\n`).join('');

test(`tables of up to ${FOLD_ROWS} rows stay open; longer ones are folded; a new cluster says so`, (t) => {
  const services = 'default/a:http/TCP ClusterIP 10.5.0.1:80/TCP service=1 revnat=1 backends=all\n';
  const before = readTables(services, '');
  const open = diffMarkdown([{ name: 'c', presence: 'both', summary: semanticDiff(before, readTables(services, backends(FOLD_ROWS))) }]);
  t.notRegex(open, /<details>/);
  t.is(open.split('\n').filter((l) => l.startsWith('| added |')).length, FOLD_ROWS);
  const folded = diffMarkdown([{ name: 'c', presence: 'both', summary: semanticDiff(before, readTables(services, backends(FOLD_ROWS + 1))) }]);
  t.regex(folded, new RegExp(`<details><summary>${FOLD_ROWS + 1} backend changes</summary>\\n\\n\\|`));
  const fresh = diffMarkdown([{ name: 'c', presence: 'added', summary: semanticDiff(new Map(), readTables(services, backends(1))) }]);
  t.regex(fresh, /### `c` \(new cluster\)/);
  t.regex(fresh, /\| added \| `default\/a` \| ClusterIP 10\.5\.0\.1:80\/TCP \|/);
});
