// The switchyard CLI in-process (and as a program where exit codes and signals matter): help,
// usage errors, compile/--check, errors writing nothing, SIGKILL mid-write, diff, start.

import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commands } from '../../compiler/cli/commands.ts';
import { main } from '../../compiler/cli/main.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: process.cwd(),
    env,
  });
  return { code, stdout, stderr };
}

const SMALL = 'test/cli/fixtures/small';

function temp(t: import('ava').ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('--help lists every command; each command has its own --help', async (t) => {
  const top = await run(['--help']);
  t.is(top.code, 0);
  for (const c of commands) {
    t.true(top.stdout.includes(`  ${c.name}`), c.name);
    const h = await run([c.name, '--help']);
    t.is(h.code, 0);
    t.true(h.stdout.startsWith(`usage: ${c.usage}`));
    t.regex(h.stdout, /-h, --help/);
  }
  t.is((await run(['help', 'compile'])).stdout, (await run(['compile', '-h'])).stdout);
});

test('usage errors exit 2 and say how to get help', async (t) => {
  const none = await run([]);
  t.is(none.code, 2);
  t.regex(none.stderr, /usage: switchyard <command>/);
  const typo = await run(['compil']);
  t.is(typo.code, 2);
  t.regex(typo.stderr, /unknown command "compil"; did you mean "compile"\?/);
  const opt = await run(['compile', '--chek']);
  t.is(opt.code, 2);
  t.regex(opt.stderr, /unknown option --chek; run 'switchyard compile --help'/);
  const val = await run(['compile', '-o']);
  t.regex(val.stderr, /--out needs a DIR/);
  const args = await run(['diff', 'one']);
  t.is(args.code, 2);
  t.regex(args.stderr, /missing arguments; usage: switchyard diff OLD NEW/);
});

test('compile writes, --check passes, then fails naming the stale file and the command', async (t) => {
  const out = temp(t);
  const missing = await run(['compile', SMALL, '-o', out, '--check']);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /small\/: missing/);
  const w = await run(['compile', SMALL, '-o', out]);
  t.is(w.code, 0, w.stderr);
  t.regex(w.stdout, /wrote .*small: 5 services/);
  t.is((await run(['compile', SMALL, '-o', out, '--check'])).code, 0);
  appendFileSync(join(out, 'small', 'backends.txt'), 'edited by hand\n');
  const stale = await run(['compile', SMALL, '-o', out, '--check']);
  t.is(stale.code, 1);
  t.regex(stale.stderr, /small\/backends\.txt: differs/);
  t.regex(stale.stderr, new RegExp(`regenerate it with: npx switchyard compile test/cli/fixtures/small -o ${out}`));
  t.is((await run(['compile', SMALL, '-o', out])).code, 0);
  t.is((await run(['compile', SMALL, '-o', out, '--check'])).code, 0);
});

test('errors: every diagnostic printed sorted, exit 2, nothing written', async (t) => {
  const out = temp(t);
  const dir = temp(t);
  cpSync('test/plan/fixtures/sy2003-nodeport-taken-twice.yaml', join(dir, 'spec.yaml'));
  const r = await run(['compile', dir, '-o', out]);
  t.is(r.code, 2);
  const lines = r.stderr.split('\n').filter((l) => / error SY/.test(l));
  t.is(lines.length, 2);
  t.deepEqual(lines, [...lines].sort((a, b) => Number(a.split(':')[1]) - Number(b.split(':')[1])));
  t.regex(r.stderr, /2 errors; nothing written/);
  t.false(existsSync(join(out, 'fx')));

  // With good output already there, a broken spec leaves it untouched.
  t.is((await run(['compile', SMALL, '-o', out])).code, 0);
  const before = readFileSync(join(out, 'small', 'manifest.json'));
  const broken = join(dir, 'broken');
  cpSync(SMALL, broken, { recursive: true });
  writeFileSync(join(broken, 'cluster.yaml'), readFileSync(join(broken, 'cluster.yaml'), 'utf8').replace('nodePort: 30001', 'nodePort: 80'));
  const bad = await run(['compile', broken, '-o', out]);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /SY2002/);
  t.deepEqual(readFileSync(join(out, 'small', 'manifest.json')), before);
});

test('a compile killed (SIGKILL) mid-write leaves the old output whole; the next run recovers', async (t) => {
  const out = temp(t);
  t.is((await run(['compile', SMALL, '-o', out])).code, 0);
  const before = readFileSync(join(out, 'small', 'services.txt'));
  const changed = join(temp(t), 'small');
  cpSync(SMALL, changed, { recursive: true });
  writeFileSync(join(changed, 'cluster.yaml'), readFileSync(join(changed, 'cluster.yaml'), 'utf8').replace('port: 8080', 'port: 8081'));
  for (const point of ['temp-written', 'old-retired']) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'compiler/cli/main.ts', 'compile', changed, '-o', out], {
      encoding: 'utf8',
      env: { ...process.env, SWITCHYARD_INTERRUPT_AT: point },
    });
    t.is(r.signal, 'SIGKILL', `killed after ${point}`);
    // Whatever the moment, the next run sees the old output, whole.
    t.is((await run(['compile', SMALL, '-o', out, '--check'])).code, 0, `after a kill at ${point}`);
    t.deepEqual(readFileSync(join(out, 'small', 'services.txt')), before);
  }
  t.is((await run(['compile', changed, '-o', out])).code, 0);
  t.notDeepEqual(readFileSync(join(out, 'small', 'services.txt')), before);
  t.deepEqual(readdirSync(out), ['small'], 'no temp or side directories left');
});

test('diff summarises services, addresses and backends', async (t) => {
  const out = temp(t);
  t.is((await run(['compile', SMALL, '-o', out])).code, 0);
  const same = await run(['diff', join(out, 'small'), SMALL]);
  t.is(same.code, 0, same.stderr);
  t.regex(same.stdout, /no differences/);
  const dir = join(temp(t), 'small');
  cpSync(SMALL, dir, { recursive: true });
  const yaml = readFileSync(join(dir, 'cluster.yaml'), 'utf8')
    .replace('clusterIPs: [10.5.0.2]', 'clusterIPs: [10.5.0.22]')
    .replace("      - { address: 10.2.0.2, node: node2 }\n", "      - { address: 10.2.0.3, node: node2 }\n");
  writeFileSync(join(dir, 'cluster.yaml'), yaml);
  const d = await run(['diff', out, dir]);
  t.is(d.code, 1, d.stderr);
  t.regex(d.stdout, /~ service default\/nodeport: ClusterIP address changed: 10\.5\.0\.2:80\/TCP → 10\.5\.0\.22:80\/TCP/);
  t.regex(d.stdout, /- backend kube-system\/dns:dns\/UDP 10\.2\.0\.2:53$/m);
  t.regex(d.stdout, /\+ backend kube-system\/dns:dns\/UDP 10\.2\.0\.3:53 \(node=node2\)/);
  t.regex(d.stdout, /services: 0 added, 0 removed, 1 changed; backends: 2 added, 2 removed/);
});

test('start compiles the demo, checks it and prints a summary', async (t) => {
  const out = temp(t);
  const r = await run(['start', '-o', out]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /services \d+, frontends \d+, backends \d+, nodes \d+/);
  t.regex(r.stdout, /check manifest: ok/);
  t.regex(r.stdout, /check map contents: ok/);
  let stderr = '';
  const elsewhere = await main(['start'], { stdout: { write: () => true }, stderr: { write: (x: string) => (stderr += x) }, cwd: out, env: {} });
  t.is(elsewhere, 2);
  t.regex(stderr, /not found; run it from the repository root/);
});

test('the entry point runs as a program and sets the exit code', (t) => {
  const ok = execFileSync(process.execPath, ['--import', 'tsx', 'compiler/cli/main.ts', '--version'], { encoding: 'utf8' });
  t.regex(ok, /^switchyard \d+\.\d+\.\d+/);
  const bad = spawnSync(process.execPath, ['--import', 'tsx', 'compiler/cli/main.ts', 'nope'], { encoding: 'utf8' });
  t.is(bad.status, 2);
});

test('compiling a collection names output that no spec produces any more', async (t) => {
  const specs = temp(t);
  const out = temp(t);
  cpSync(SMALL, join(specs, 'small'), { recursive: true });
  cpSync(SMALL, join(specs, 'other'), { recursive: true });
  writeFileSync(join(specs, 'other', 'cluster.yaml'), readFileSync(join(specs, 'other', 'cluster.yaml'), 'utf8').replace('name: small', 'name: other'));
  t.is((await run(['compile', specs, '-o', out])).code, 0);
  t.is((await run(['compile', specs, '-o', out, '--check'])).code, 0);
  rmSync(join(specs, 'other'), { recursive: true });
  const check = await run(['compile', specs, '-o', out, '--check']);
  t.is(check.code, 1);
  t.regex(check.stderr, /other\/: no spec produces it any more; delete it/);
  // Naming one cluster's spec says nothing about the others.
  t.is((await run(['compile', join(specs, 'small'), '-o', out, '--check'])).code, 0);
});
