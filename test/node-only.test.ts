// A Node-only Debian machine runs the tests that need external tools as skips that name the
// package to install, not as failures; with SWITCHYARD_REQUIRE_KERNEL=1 the same run fails. A
// selection of gated test files runs under ava in a child process whose PATH holds Node.js and
// what every Debian system has (the "required" packages), none of test/helpers/tools.ts's tools.

import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './helpers/bpffs.ts';
import { DEBIAN_PACKAGE, onPath } from './helpers/tools.ts';

const root = dirname(dirname(fileURLToPath(import.meta.url)));

/** Commands of Debian's required packages (coreutils, dash, util-linux, mount) the tests use. */
const DEBIAN_BASE = ['sh', 'env', 'cat', 'ls', 'mkdir', 'rm', 'mount', 'umount', 'nsenter', 'setpriv'];

/** One file per kind of gate: bpftool, ip (and iptables), clang, llvm-objdump; and a runtime file that needs none. */
const FILES = ['test/bpf/bpftool.test.ts', 'test/e2e/nodeport-tc.test.ts', 'test/runtime/program.test.ts', 'test/bpf/llvm-objdump.test.ts', 'test/runtime/order.test.ts'];

/** A directory of symlinks: node, npm, npx and DEBIAN_BASE, as found on this machine's PATH. */
function nodeOnlyPath(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  symlinkSync(process.execPath, join(bin, 'node'));
  for (const tool of ['npm', 'npx', ...DEBIAN_BASE]) {
    const found = onPath(tool);
    if (found) symlinkSync(found, join(bin, tool));
  }
  return bin;
}

function avaWith(path: string, requireKernel: boolean) {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: path };
  delete env.SWITCHYARD_REQUIRE_KERNEL;
  if (requireKernel) env.SWITCHYARD_REQUIRE_KERNEL = '1';
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'ava', 'entrypoints', 'cli.mjs'), ...FILES], { cwd: root, env, encoding: 'utf8', timeout: 170_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('on a Node-only machine the gated tests skip naming their Debian packages; with SWITCHYARD_REQUIRE_KERNEL=1 they fail', (t) => {
  t.timeout(180_000);
  const bin = nodeOnlyPath(tempDir(t));
  for (const tool of Object.keys(DEBIAN_PACKAGE)) t.is(onPath(tool, bin), undefined, `${tool} is hidden`);

  const skipped = avaWith(bin, false);
  t.is(skipped.status, 0, skipped.out);
  for (const [tool, pkg] of [['bpftool', 'bpftool'], ['ip', 'iproute2'], ['iptables', 'iptables'], ['clang', 'clang'], ['llvm-objdump', 'llvm']]) {
    t.true(skipped.out.includes(`${tool} (Debian package ${pkg})`), `a skip names ${tool} and ${pkg}`);
  }
  t.regex(skipped.out, /\d+ tests? skipped/);
  t.regex(skipped.out, /runtime › order › new backends before/, 'the runtime tests run without clang');
  t.notRegex(skipped.out, /\d+ tests? failed|✘/);

  const required = avaWith(bin, true);
  t.not(required.status, 0, 'SWITCHYARD_REQUIRE_KERNEL=1 turns the skips into failures');
  t.regex(required.out, /needs bpftool \(Debian package bpftool\); SWITCHYARD_REQUIRE_KERNEL=1 forbids skipping/);
  t.regex(required.out, /\d+ tests? failed/);
});
