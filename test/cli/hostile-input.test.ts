// Inputs that used to crash `switchyard compile` (a stack overflow, a RangeError, minutes and
// gigabytes), through the real CLI (dist/switchyard.js, as `npm run build` leaves it): each is a
// located SY diagnostic and exit code 2 now, nothing written.

import test, { type ExecutionContext } from 'ava';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLI = 'dist/switchyard.js';

const CLUSTER = 'cluster: {name: hostile, serviceCIDRs: {v4: 10.96.0.0/12}}\nnodes: [{name: n1, addresses: [10.0.0.1], podCIDRs: [10.64.0.0/16]}]\n';

/** Compiles `text` as the file `name` in a fresh directory; returns exit code and stderr. */
function compile(t: ExecutionContext, name: string, text: string): { code: number | null; stderr: string; file: string } {
  t.true(existsSync(CLI), `${CLI} is missing: run npm run build`);
  const dir = mkdtempSync(join(tmpdir(), 'sy-hostile-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  writeFileSync(file, text);
  const out = join(dir, 'out');
  const r = spawnSync(process.execPath, [CLI, 'compile', file, '-o', out], { encoding: 'utf8', maxBuffer: 1 << 26 });
  t.false(existsSync(out) && readdirSync(out).length > 0, 'nothing is written');
  t.notRegex(r.stderr, /Maximum call stack|RangeError|heap out of memory|SWITCHYARD_DEBUG/);
  return { code: r.status, stderr: r.stderr, file };
}

test('20,000 nested [ are SY1004 at the first list past the bound', (t) => {
  const r = compile(t, 'flow.yaml', `${CLUSTER}services: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
  t.is(r.code, 2);
  // The root mapping is level 1, so the 255th [ is level 256 and the 256th, at column 266, one too many.
  t.regex(r.stderr, new RegExp(`^${r.file}:3:266: error SY1004: YAML nests deeper than 256 maps and lists`, 'm'));
});

test('20,000 nested { are SY1004', (t) => {
  const r = compile(t, 'flow.yaml', `${CLUSTER}services: ${'{a: '.repeat(20_000)}1${'}'.repeat(20_000)}\n`);
  t.is(r.code, 2);
  t.regex(r.stderr, new RegExp(`^${r.file}:3:\\d+: error SY1004: `, 'm'));
});

test('5,000 nested block maps are SY1004', (t) => {
  const lines = Array.from({ length: 5_000 }, (_, i) => `${' '.repeat(i)}k${i}:`);
  const r = compile(t, 'block.yaml', `${lines.join('\n')} 1\n`);
  t.is(r.code, 2);
  t.regex(r.stderr, new RegExp(`^${r.file}:257:257: error SY1004: `, 'm'));
});

test('150,000 services in one compact document reach the ID capacity diagnostic', (t) => {
  const services = Array.from({ length: 150_000 }, (_, i) => `  - {name: s${i}, ports: [{port: 80}]}\n`).join('');
  const r = compile(t, 'big.yaml', `${CLUSTER}services:\n${services}`);
  t.is(r.code, 2);
  t.regex(r.stderr, /error SY2014: cluster: all 65535 service IDs are in use; 84465 left without one/);
});

test('an unknown tag is SY1005 at the tag', (t) => {
  const r = compile(t, 'tag.yaml', `${CLUSTER}services: !!python/object:os.system [{name: web}]\n`);
  t.is(r.code, 2);
  t.regex(r.stderr, new RegExp(`^${r.file}:3:11: error SY1005: YAML: unknown tag !!python/object:os.system;`, 'm'));
});

test('aliases of aliases (a billion laughs) are SY1006', (t) => {
  const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < 8; i++) levels.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
  const r = compile(t, 'laughs.yaml', `${CLUSTER}${levels.join('\n')}\n`);
  t.is(r.code, 2);
  t.regex(r.stderr, /error SY1006: YAML aliases expand the document to 123,456,816 nodes from 116 of its own/);
});

test('a \\U escape past the last code point is SY1001, not a RangeError', (t) => {
  const r = compile(t, 'escape.yaml', `${CLUSTER}services: [{name: "\\UFFFFFFFF"}]\n`);
  t.is(r.code, 2);
  t.regex(r.stderr, /error SY1001: YAML: /);
});

test('control characters in a file name and a key print escaped', (t) => {
  const r = compile(t, 'evil\x1b[2J\r.yaml', `${CLUSTER}"na\\0me\\e[31m\\r": 1\n`);
  t.is(r.code, 2);
  t.true(r.stderr.includes('evil\\x1b[2J\\r.yaml:3:1: error SY1010: document: unknown field "na\\x00me\\x1b[31m\\r"'), r.stderr);
  t.notRegex(r.stderr, /[\x00\x1b\r]/);
});

test('switchyard-node prints control characters in its errors escaped too', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-hostile-node-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const missing = join(dir, 'gen\x1b]0;owned\x07\rerated');
  const r = spawnSync(process.execPath, ['dist/switchyard-node.js', 'apply', missing, '--node', 'n1', '--dry-run', '--state', join(dir, 'state'), '--bpffs', join(dir, 'bpffs')], { encoding: 'utf8' });
  t.is(r.status, 1);
  t.true(r.stderr.includes(`switchyard-node: error: read ${dir}/gen\\x1b]0;owned\\x07\\rerated/manifest.json: ENOENT`), r.stderr);
  t.notRegex(r.stderr, /[\x00-\x09\x0b-\x1f]/);
});
