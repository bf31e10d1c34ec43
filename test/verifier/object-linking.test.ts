// What the verifier's object reader takes from clang's objects, without a kernel: calls clang
// resolved itself linked as libbpf links them, map values' special fields from BTF (global data
// included), and the license. The clang corpus checks the verdicts against the kernel.

import test from 'ava';
import { readFileSync } from 'node:fs';
import { readBpfObject } from '../../format/elf-read.ts';
import { isGplCompatible } from '../../verifier/license.ts';
import { inputsFromElf } from '../../verifier/object-input.ts';
import { buildCorpusFile, corpusClangUnavailableReason, loadClangCorpus, removeCorpusBuilds } from './clang-corpus.ts';

const corpus = loadClangCorpus();
const why = corpusClangUnavailableReason();
test.after.always(() => removeCorpusBuilds());

function object(id: string): Uint8Array {
  const c = corpus.find((f) => f.id === id);
  if (!c) throw new Error(`no corpus file ${id}`);
  const built = buildCorpusFile(c);
  if (!built.ok) throw new Error(built.skip);
  return new Uint8Array(readFileSync(built.object));
}

const clangTest = why ? test.skip : test;
if (why) process.stderr.write(`skip: object-input tests: ${why}\n`);

clangTest('a call clang left without a relocation (a -> c in .text) reaches c', (t) => {
  const bytes = object('calls/static-chain');
  const obj = readBpfObject(bytes, 'static-chain.o');
  const a = obj.programs.find((p) => p.name === 'a')!;
  // The premise: clang resolved a -> c itself, so the reader sees no relocation for it.
  t.deepEqual(a.relocations, []);
  const [input] = inputsFromElf(bytes, 'static-chain.o', false);
  const view = new DataView(input!.insns.buffer);
  const calls: number[] = [];
  for (let i = 0; i * 8 < input!.insns.length; i++) {
    if (input!.insns[i * 8] === 0x85 && input!.insns[i * 8 + 1]! >> 4 === 1) calls.push(i + view.getInt32(i * 8 + 4, true) + 1);
  }
  // main -> a, a -> c: two calls, to two different functions, each at the start of one.
  const chain = obj.programs.find((p) => p.name === 'chain')!;
  const aStart = chain.insns.length / 8;
  const cStart = aStart + a.insns.length / 8;
  t.deepEqual(calls.sort((x, y) => x - y), [aStart, cStart]);
  // c's first instruction (w0 = w1) is where the second call lands.
  t.deepEqual([...input!.insns.subarray(cStart * 8, cStart * 8 + 8)], [...obj.programs.find((p) => p.name === 'c')!.insns.subarray(0, 8)]);
});

clangTest('a map value\'s bpf_spin_lock is a special field at its offset', (t) => {
  const [input] = inputsFromElf(object('spin-lock/direct-store'), 'direct-store.o', false);
  t.deepEqual(input!.maps.find((m) => m.name === 'vals')?.fields, [{ kind: 'spinLock', offset: 4, size: 4 }]);
});

clangTest('a bpf_timer after a counter, and a lock in .bss, are found too', (t) => {
  const [timer] = inputsFromElf(object('timers/direct-store'), 'timer.o', false);
  t.deepEqual(timer!.maps.find((m) => m.name === 'vals')?.fields, [{ kind: 'timer', offset: 8, size: 16 }]);
  const [bss] = inputsFromElf(object('spin-lock/global-lock'), 'global-lock.o', false);
  t.deepEqual(bss!.maps.find((m) => m.name === '.bss')?.fields?.map((f) => f.kind), ['spinLock']);
});

clangTest('the license is the object\'s, and only the kernel\'s GPL strings count as GPL', (t) => {
  const [mit] = inputsFromElf(object('license/plain-helper-non-gpl'), 'mit.o', false);
  const [dual] = inputsFromElf(object('license/gpl-helper-dual'), 'dual.o', false);
  t.is(mit!.license, 'MIT');
  t.is(dual!.license, 'Dual BSD/GPL');
  t.false(isGplCompatible(mit!.license));
  t.true(isGplCompatible(dual!.license));
  t.true(isGplCompatible(undefined));
  t.false(isGplCompatible('GPLv2'));
});
