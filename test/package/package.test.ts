// Switchyard as an npm package: the tarball `npm pack` makes, installed into an empty project with
// nothing else of this repository, compiles specs/demo to what generated/demo holds, verifies it,
// and runs switchyard-node; and docs/ci.md's workflow steps, as written there, pass on a temporary
// git repository with two commits (a base branch and a pull request's branch).
//
// The tarball is packed from a staging directory with bundles built for it (scripts/build.js
// --outdir), so that the test neither packs whatever dist/ holds nor rewrites dist/ under other
// test processes. The first two tests share one tarball, so they run serially in this one file.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { GENERATED_HEADER } from '../../compiler/plan/lock.ts';
import { toolsUnavailableReason } from '../helpers/tools.ts';

const REPO = process.cwd();

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a user's shell: none of the npm_* variables `npm test` sets for itself. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return {
    ...env,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    GIT_AUTHOR_NAME: 'test',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
    ...extra,
  };
}

function run(cmd: string, args: string[], cwd: string, env = userEnv()): Result {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs and insists on exit code 0, showing what the command said otherwise. */
function ok(cmd: string, args: string[], cwd: string): string {
  const r = run(cmd, args, cwd);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

const npmUnusable = (() => {
  const r = spawnSync('npm', ['--version'], { encoding: 'utf8' });
  return r.error || r.status !== 0 ? `npm does not run here (${r.error?.message ?? r.stderr.trim()})` : undefined;
})();

let work = '';
let tarball = '';
let packedFiles: string[] = [];

test.before(() => {
  if (npmUnusable) return;
  work = mkdtempSync(join(tmpdir(), 'sy-package-'));
  const stage = join(work, 'stage');
  mkdirSync(stage);
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { files: string[] };
  for (const f of ['package.json', 'README.md', 'LICENSE', ...pkg.files.filter((f) => !f.startsWith('dist/'))]) {
    cpSync(join(REPO, f), join(stage, f), { recursive: true });
  }
  for (const only of ['switchyard', 'switchyard-node']) ok(process.execPath, ['scripts/build.js', '--only', only, '--outdir', join(stage, 'dist')], REPO);
  for (const f of pkg.files) if (!existsSync(join(stage, f))) throw new Error(`package.json files: ${f} is neither in the repository nor built`);
  // The staging directory has no scripts/: prepack (npm run build) is the repository's, not ours.
  const packed = JSON.parse(ok('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], stage)) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, packed[0]!.filename);
  packedFiles = packed[0]!.files.map((f) => f.path).sort();
});

test.after.always(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test.serial('the packed tarball installs into an empty project, compiles, verifies and runs switchyard-node', (t) => {
  if (npmUnusable) return t.log(`skipped: ${npmUnusable}`), t.pass();
  t.true(packedFiles.includes('compiler/datapath/bpf.d.ts'), 'the BPF-TS declarations the compiler reads');
  t.true(packedFiles.includes('dist/verifier.wasm'));
  t.deepEqual(
    packedFiles.filter((f) => /^(test|runtime|scripts|generated|verifier\/assembly)\/|^compiler\/(?!datapath\/)|\.map$/.test(f)),
    [],
    'no sources but the datapath, no tests, no source maps',
  );

  const project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'empty-project', private: true }) + '\n');
  ok('npm', ['install', tarball], project);
  cpSync(join(REPO, 'specs', 'demo'), join(project, 'demo'), { recursive: true });
  // As a user's repository has it: the previous output checked in, so the manifest's generation
  // and the lock's slot order carry on from it, and an unchanged spec leaves every byte as it is.
  cpSync(join(REPO, 'generated', 'demo'), join(project, 'out', 'demo'), { recursive: true });

  const compile = run('npx', ['--no', 'switchyard', 'compile', 'demo', '-o', 'out'], project);
  t.is(compile.status, 0, compile.stderr);
  t.regex(compile.stdout, /(wrote|unchanged) out\/demo: /);
  // The datapath sources are found beside the bundle, and listings name them as in the repository.
  const want = join(REPO, 'generated', 'demo');
  const files = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)))
      .sort();
  t.deepEqual(files(join(project, 'out', 'demo')), files(want));
  for (const f of files(want)) t.deepEqual(readFileSync(join(project, 'out', 'demo', f)), readFileSync(join(want, f)), `out/demo/${f} is generated/demo/${f}`);
  t.true(existsSync(join(project, 'node_modules', '.cache', 'switchyard', 'datapath')), "the cache is the project's");

  const verify = run('npx', ['--no', 'switchyard', 'verify', 'out'], project);
  t.is(verify.status, 0, verify.stderr);
  t.regex(verify.stdout, /\d+ programs verified, 0 refused/);

  const node = run('npx', ['--no', '--', 'switchyard-node', '--help'], project);
  t.is(node.status, 0, node.stderr);
  t.regex(node.stdout, /^switchyard-node: /);
  // The runtime's own verifier and planner from the package, unprivileged: a dry run changes nothing.
  const state = join(work, 'node-state');
  const dry = run('npx', ['--no', '--', 'switchyard-node', 'apply', 'out/demo', '--node', 'node1', '--device', 'lo', '--dry-run', '--bpffs', join(state, 'bpffs'), '--state', join(state, 'state')], project);
  t.is(dry.status, 0, dry.stdout + dry.stderr);
  t.regex(dry.stdout, /dry run done/);
});

test('the command in the generated files\' header runs in this repository too (the package\'s own bin)', (t) => {
  if (npmUnusable) return t.log(`skipped: ${npmUnusable}`), t.pass();
  const command = /Regenerate: (.*)$/.exec(GENERATED_HEADER)?.[1];
  t.truthy(command, GENERATED_HEADER);
  // --no: never fetch a package of that name from the registry instead of running ours.
  const r = run('bash', ['-c', `${command!.replace(/^npx /, 'npx --no ')} --check`], REPO);
  t.is(r.status, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /generated\/demo: up to date/);
});

/** docs/ci.md's workflow: the YAML block, and its steps that run commands. */
function workflowSteps(): { name: string; run: string; env: Record<string, string> }[] {
  const doc = readFileSync(join(REPO, 'docs', 'ci.md'), 'utf8');
  const block = /```yaml\n(name: switchyard\n[\s\S]*?)```/.exec(doc);
  if (!block) throw new Error('docs/ci.md: no ```yaml block starting "name: switchyard"');
  const wf = parse(block[1]!) as { jobs: Record<string, { steps: { name?: string; run?: string; env?: Record<string, string> }[] }> };
  const steps = Object.values(wf.jobs)[0]!.steps;
  return steps.filter((s) => s.run).map((s) => ({ name: s.name ?? s.run!, run: s.run!, env: s.env ?? {} }));
}

test.serial("docs/ci.md's workflow steps pass on a pull request, fail on stale output, and comment", (t) => {
  if (npmUnusable) return t.log(`skipped: ${npmUnusable}`), t.pass();
  const noGit = toolsUnavailableReason(['git']);
  if (noGit) return t.log(`skipped: ${noGit}`), t.pass();

  // The user's repository: specs/, generated/, the tarball under vendor/ as docs/ci.md installs it.
  const origin = join(work, 'origin');
  mkdirSync(join(origin, 'vendor'), { recursive: true });
  cpSync(tarball, join(origin, 'vendor', 'switchyard-0.1.0.tgz'));
  cpSync(join(REPO, 'specs', 'demo'), join(origin, 'specs', 'demo'), { recursive: true });
  writeFileSync(join(origin, 'package.json'), JSON.stringify({ name: 'platform-specs', private: true }) + '\n');
  writeFileSync(join(origin, '.gitignore'), 'node_modules/\n');
  ok('git', ['init', '-q', '-b', 'main'], origin);
  ok('npm', ['install', '--save-dev', './vendor/switchyard-0.1.0.tgz'], origin);
  ok('npx', ['--no', 'switchyard', 'compile'], origin);
  ok('git', ['add', '-A'], origin);
  ok('git', ['commit', '-qm', 'specs and generated/'], origin);
  // The pull request: one backend of the DNS service moves.
  ok('git', ['checkout', '-qb', 'pr'], origin);
  const spec = join(origin, 'specs', 'demo', 'cluster.yaml');
  const before = readFileSync(spec, 'utf8');
  t.true(before.includes('      - { address: 10.2.0.2, node: node2 }\n'), 'specs/demo still has the DNS backend this test moves');
  writeFileSync(spec, before.replace('      - { address: 10.2.0.2, node: node2 }\n', '      - { address: 10.2.0.9, node: node2 }\n'));
  ok('npx', ['--no', 'switchyard', 'compile'], origin);
  ok('git', ['commit', '-qam', 'move the DNS backend'], origin);

  // What actions/checkout with fetch-depth 0 leaves: a clone with origin/main, on the PR's head.
  const clone = join(work, 'clone');
  ok('git', ['clone', '-q', '-b', 'pr', origin, clone], work);
  const runnerTemp = join(work, 'runner-temp');
  mkdirSync(runnerTemp);
  const summary = join(runnerTemp, 'step-summary.md');
  const github = { 'github.base_ref': 'main' } as Record<string, string>;
  const step = (s: { name: string; run: string; env: Record<string, string> }): Result => {
    const env = Object.fromEntries(Object.entries(s.env).map(([k, v]) => [k, v.replace(/\$\{\{\s*([\w.]+)\s*\}\}/g, (_, e: string) => github[e] ?? '')]));
    // As GitHub runs a `run:` step: bash -e with pipefail.
    return run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', s.run], clone, userEnv({ ...env, RUNNER_TEMP: runnerTemp, GITHUB_STEP_SUMMARY: summary }));
  };

  const steps = workflowSteps();
  t.deepEqual(steps.map((s) => s.run.split('\n')[0]), ['npm ci', 'npx switchyard compile --check', 'mkdir -p "$RUNNER_TEMP/base"']);
  for (const s of steps) {
    const r = step(s);
    t.is(r.status, 0, `${s.name}:\n${r.stdout}${r.stderr}`);
  }
  const comment = readFileSync(join(runnerTemp, 'switchyard.md'), 'utf8');
  t.true(comment.startsWith('<!-- switchyard diff -->\n## '), comment);
  t.regex(comment, /\| removed \| `kube-system\/dns:dns\/UDP` \| `10\.2\.0\.2:53` \|/);
  t.regex(comment, /\| added \| `kube-system\/dns:dns\/UDP` \| `10\.2\.0\.9:53` \| node=node2 \|/);
  t.is(readFileSync(summary, 'utf8'), comment, 'the job summary shows the comment too');

  // A spec changed without compiling: the check fails and names the command.
  const check = steps.find((s) => s.run.includes('--check'))!;
  writeFileSync(join(clone, 'specs', 'demo', 'cluster.yaml'), readFileSync(join(clone, 'specs', 'demo', 'cluster.yaml'), 'utf8').replace('10.2.0.9', '10.2.0.10'));
  const stale = step(check);
  t.is(stale.status, 1, stale.stdout + stale.stderr);
  t.regex(stale.stdout + stale.stderr, /npx switchyard compile/);

  // The base branch's own generated/ against itself: "No changes", and the step still passes.
  ok('git', ['checkout', '-q', '--', '.'], clone);
  ok('git', ['checkout', '-q', 'main'], clone);
  const diff = steps.at(-1)!;
  rmSync(join(runnerTemp, 'base'), { recursive: true, force: true });
  const same = step(diff);
  t.is(same.status, 0, same.stdout + same.stderr);
  t.regex(readFileSync(join(runnerTemp, 'switchyard.md'), 'utf8'), /No changes to services or backends\./);
});
