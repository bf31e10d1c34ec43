// `switchyard verify` in-process: objects from the real BPF-TS pipeline, verdicts as text, as
// JSON and as diagnostics at the datapath source line, exit codes, and --kernel side by side.

import test, { type ExecutionContext } from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../compiler/cli/main.ts';
import { libbpfOracleUnavailableReason } from '../../verifier/libbpf-oracle.ts';
import { kernelTest, requireKernel } from '../helpers/kernel.ts';
import { buildCorpusFile, corpusClangUnavailableReason, loadClangCorpus, removeCorpusBuilds } from './clang-corpus.ts';
import { switchyardObjects } from './switchyard-programs.ts';

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd: process.cwd(),
    env: {},
  });
  return { code, stdout, stderr };
}

let objects: { label: string; elf: Uint8Array }[] | undefined;

/** A temporary directory with the Switchyard fixture objects written as <label>.o. */
function objectDir(t: ExecutionContext): string {
  objects ??= switchyardObjects().filter((o) => !o.label.startsWith('generated/'));
  const dir = mkdtempSync(join(tmpdir(), 'sy-verify-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const o of objects) writeFileSync(join(dir, `${o.label}.o`), o.elf);
  return dir;
}

test('loose alignment: every Switchyard fixture program passes, exit 0', async (t) => {
  const dir = objectDir(t);
  const r = await run(['verify', dir]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /ok {3}\S+xdp-lb\.o xdp\/xdp_lb: accepted/);
  t.regex(r.stdout, /\d+ programs verified, 0 refused/);
});

test('strict alignment: the refusal points at the BPF-TS source line, exit 1', async (t) => {
  const dir = objectDir(t);
  const r = await run(['verify', '--strict-alignment', join(dir, 'xdp-lb.o')]);
  t.is(r.code, 1);
  t.regex(r.stdout, /FAIL \S+xdp-lb\.o xdp\/xdp_lb \[strict\]: insn \d+ \(\S*xdp-lb\.ts:\d+\): misaligned packet access/);
  t.regex(r.stderr, /xdp-lb\.ts:\d+:\d+: error SY5001: program xdp\/xdp_lb .* misaligned packet access off 2\+/);
});

test('--json: one document with every verdict', async (t) => {
  const dir = objectDir(t);
  const r = await run(['verify', '--json', join(dir, 'sock-lb.o')]);
  t.is(r.code, 0);
  const doc = JSON.parse(r.stdout) as { programs: { program: string; verdict: { ok: boolean; processed: number } }[] };
  t.deepEqual(doc.programs.map((p) => p.program).sort(), ['cgroup/connect4/connect4', 'cgroup/getpeername4/getpeername4']);
  t.true(doc.programs.every((p) => p.verdict.ok && p.verdict.processed > 0));
});

test('a file that is not a BPF object: SY5010, exit 2', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sy-verify-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'junk.o'), 'not an ELF file');
  const r = await run(['verify', join(dir, 'junk.o')]);
  t.is(r.code, 2);
  t.regex(r.stderr, /error SY5010: .*junk\.o: .*not an ELF file/);
  const missing = await run(['verify', join(dir, 'nothing-here')]);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /SY5010: .*does not exist/);
});

kernelTest('--kernel: both verdicts side by side, and they agree', async (t) => {
  const dir = objectDir(t);
  const r = await run(['verify', '--kernel', '--strict-alignment', dir]);
  t.is(r.code, 1, 'xdp-lb is refused under strict alignment');
  t.regex(r.stdout, /FAIL \S+xdp-lb\.o xdp\/xdp_lb \[strict\]: .* \| kernel: refuses: .*misaligned packet access/);
  t.regex(r.stdout, /ok {3}\S+sock-lb\.o cgroup\/connect4\/connect4 \[strict\]: accepted .* \| kernel: accepts \(\d+ us\)/);
  t.notRegex(r.stderr, /SY5011/, 'the verdicts disagree somewhere');
});

kernelTest('--kernel on a clang object: the kernel loads it as libbpf would, global functions and all', async (t) => {
  const missing = corpusClangUnavailableReason() ?? libbpfOracleUnavailableReason();
  if (missing) {
    if (requireKernel) return t.fail(missing);
    t.log(`skipped: ${missing}`);
    return t.pass();
  }
  const c = loadClangCorpus().find((x) => x.id === 'global-funcs/pointer-no-null-check')!;
  t.teardown(removeCorpusBuilds);
  const built = buildCorpusFile(c);
  if (!built.ok) return t.fail(built.skip);
  const r = await run(['verify', '--kernel', built.object]);
  t.is(r.code, 1, r.stderr);
  // A raw BPF_PROG_LOAD without func info would accept this program: the callee's pointer
  // argument is NULL-checked only when the kernel knows the callee is global.
  t.regex(r.stdout, /FAIL .* xdp\/prog: .*invalid mem access 'mem_or_null' \| kernel: refuses: R1 invalid mem access 'mem_or_null'/);
  t.notRegex(r.stderr, /SY5011/);
});
