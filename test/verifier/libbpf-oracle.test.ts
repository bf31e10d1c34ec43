// The libbpf-style oracle: programs of one object loaded each on its own through libbpf, with
// what a user's load has and the raw BPF_PROG_LOAD oracle lacks (func_info for global
// functions, .rodata frozen); and a clear error naming the packages when it cannot be built.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { libbpfOracleUnavailableReason, libbpfVerify } from '../../verifier/libbpf-oracle.ts';
import { kernelTest, requireKernel } from '../helpers/kernel.ts';
import { corpusClangUnavailableReason } from './clang-corpus.ts';

const source = `
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
const volatile __u32 limit = 4;
__noinline int deref(__u32 *p) { return *p; }
SEC("xdp") int fine(struct xdp_md *ctx) { return limit == 4 ? XDP_PASS : XDP_DROP; }
SEC("xdp") int no_null_check(struct xdp_md *ctx) { __u32 v = 1; return deref(&v); }
SEC("tc") int rodata_store(struct __sk_buff *skb) {
  __u32 *p = (__u32 *)&limit;
  asm volatile("" : "+r"(p));
  *p = 1;
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
`;

kernelTest('libbpf oracle: one verdict per program, with func_info and .rodata frozen', (t) => {
  const missing = corpusClangUnavailableReason() ?? libbpfOracleUnavailableReason();
  if (missing) {
    if (requireKernel) return t.fail(missing);
    t.log(`skipped: ${missing}`);
    return t.pass();
  }
  const dir = mkdtempSync(join(tmpdir(), 'sy-libbpf-oracle-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'o.c'), source);
  const cc = spawnSync('clang', ['-O2', '-g', '-target', 'bpf', '-mcpu=v3', '-I/usr/include/x86_64-linux-gnu', '-c', join(dir, 'o.c'), '-o', join(dir, 'o.o')], { encoding: 'utf8' });
  t.is(cc.status, 0, cc.stderr);
  const verdicts = libbpfVerify(join(dir, 'o.o'));
  t.deepEqual(
    verdicts.map((v) => [v.name, v.section, v.verdict, v.errno ?? '']),
    [
      ['fine', 'xdp', 'accept', ''],
      ['no_null_check', 'xdp', 'reject', 'EACCES'],
      ['rodata_store', 'tc', 'reject', 'EACCES'],
    ],
  );
  const [fine, noNull, store] = verdicts;
  t.true(fine!.processed! > 0, 'statistics parsed from the log');
  // Only with func_info does the kernel verify deref() on its own, its argument maybe NULL.
  t.regex(noNull!.log, /Validating deref\(\) func#1/);
  t.regex(noNull!.reason, /invalid mem access 'mem_or_null'/);
  t.regex(store!.reason, /write into map forbidden/);
});

test('libbpf oracle: without a C compiler the error names the packages to install', (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'sy-libbpf-oracle-nocc-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const script = `import('${join(import.meta.dirname, '../../verifier/libbpf-oracle.ts')}').then((m) => process.stdout.write(String(m.libbpfOracleUnavailableReason())))`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    encoding: 'utf8',
    cwd: process.cwd(),
    env: { ...process.env, PATH: '/nonexistent', TMPDIR: tmp },
  });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /build the libbpf oracle .*apt-get install gcc libbpf-dev/);
});
