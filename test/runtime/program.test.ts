// Loading programs from clang's objects: global data (.rodata, .bss) in loader-made array maps
// reached through BPF_PSEUDO_MAP_VALUE, a global BPF-to-BPF function appended and called, a
// static call chain whose inner call clang left without a relocation, and func/line info
// accepted with the object's BTF. Run in the kernel with BPF_PROG_TEST_RUN.

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadableFromElf } from '../../runtime/object-from-elf.ts';
import { loadObjectBtf, loadPrograms } from '../../runtime/load-programs.ts';
import { progTestRun } from '../../runtime/sys/bpf.ts';
import { closeFd } from '../../runtime/sys/syscall.ts';
import { kernelTest } from '../helpers/kernel.ts';
import { tempDir } from '../helpers/bpffs.ts';

const here = dirname(fileURLToPath(import.meta.url));

kernelTest('global data and a global function from a clang object load and run', (t) => {
  const out = join(tempDir(t), 'globals.o');
  execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-c', join(here, 'fixtures', 'globals.c'), '-o', out]);
  const obj = loadableFromElf(readFileSync(out), 'globals.o');
  t.deepEqual(obj.data.map((d) => [d.section, d.readonly]).sort(), [['.bss', false], ['.rodata', true]]);
  const [prog] = obj.programs;
  t.is(prog!.name, 'xdp_globals');
  t.true(prog!.funcInfo!.count === 2 && prog!.lineInfo!.count > 0, 'func info for both functions, line info');
  const btf = loadObjectBtf(obj);
  t.is(btf.warning, undefined);
  t.teardown(() => btf.fd !== undefined && closeFd(btf.fd));
  const loaded = loadPrograms(obj, new Map(), { ...(btf.fd !== undefined ? { btfFd: btf.fd } : {}) });
  t.teardown(() => loaded.close());
  const run = progTestRun(loaded.programs[0]!.fd, { data: new Uint8Array(64), repeat: 5 });
  t.is(run.retval, 3, 'the .rodata constant');
  const bss = loaded.dataMaps.find((m) => m.name === '.bss')!.lookup(new Uint8Array(4))!;
  t.is(Buffer.from(bss).readBigUInt64LE(0), 5n, 'the .bss counter, bumped once per run');
}, ['clang']);

kernelTest('a static call chain (chain -> a -> c) runs c, though clang left a -> c unrelocated', (t) => {
  const out = join(tempDir(t), 'static-chain.o');
  execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-c', join(here, 'fixtures', 'static-chain.c'), '-o', out]);
  const obj = loadableFromElf(readFileSync(out), 'static-chain.o');
  const chain = obj.programs.find((p) => p.name === 'chain')!;
  t.is(chain.funcInfo?.count, 4, 'func info for chain, b, a and c');
  const btf = loadObjectBtf(obj);
  t.is(btf.warning, undefined);
  t.teardown(() => btf.fd !== undefined && closeFd(btf.fd));
  const loaded = loadPrograms(obj, new Map(), { ...(btf.fd !== undefined ? { btfFd: btf.fd } : {}) });
  t.teardown(() => loaded.close());
  const fd = loaded.programs[obj.programs.indexOf(chain)]!.fd;
  // 64 bytes of packet: b(64) * 1000 + a(64), where a(64) = c(65) + 2 = 457 (see the fixture).
  t.is(progTestRun(fd, { data: new Uint8Array(64) }).retval, 164_457);
}, ['clang']);
