// What the verifier is told about a clang object beyond its instructions, without the kernel:
// global functions' prototypes from BTF, .rodata read-only with its contents, .kconfig externs;
// and every clang corpus file checked against the kernel's verdict its header records.

import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import { BPF_F_RDONLY_PROG } from '../../format/bpf-uapi.ts';
import type { VerifyInput } from '../../verifier/input.ts';
import { inputsFromElf } from '../../verifier/object-input.ts';
import { loadVerifier } from '../../verifier/verifier.ts';
import { requireKernel } from '../helpers/kernel.ts';
import { buildCorpusFile, corpusClangUnavailableReason, loadClangCorpus, loadKnownFalseAlarms, removeCorpusBuilds } from './clang-corpus.ts';

const noClang = corpusClangUnavailableReason();
const corpus = loadClangCorpus();
test.after.always(() => removeCorpusBuilds());

/** The one program of a corpus file as the verifier sees it; undefined when it cannot be built. */
function inputOf(id: string): VerifyInput | undefined {
  const c = corpus.find((x) => x.id === id)!;
  const built = buildCorpusFile(c);
  if (!built.ok) return undefined;
  return inputsFromElf(new Uint8Array(readFileSync(built.object)), id, false)[0];
}

const clangTest = (title: string, impl: (t: ExecutionContext) => void | Promise<void>): void => {
  if (!noClang) test(title, impl);
  else if (requireKernel) test(title, (t) => t.fail(`${noClang}; SWITCHYARD_REQUIRE_KERNEL=1 forbids skipping`));
  else test.skip(title, impl);
};

clangTest('a global function comes with its prototype; a static one is not listed', (t) => {
  const global = inputOf('global-funcs/small-stack-argument')!;
  t.deepEqual(
    global.globalFuncs?.map(({ insn: _, ...g }) => g),
    [{ name: 'sum', args: [{ kind: 'mem', size: 8 }], returns: 'scalar' }],
  );
  t.deepEqual(inputOf('global-funcs/ctx-argument')!.globalFuncs?.[0]?.args, [{ kind: 'ctx' }]);
  t.is(inputOf('global-funcs/static-caller-bounded')!.globalFuncs, undefined);
});

clangTest('.rodata is read-only with its contents; .bss is writable and unknown; .kconfig read-only', (t) => {
  const ro = inputOf('global-data/rodata-bound')!.maps.find((m) => m.name === '.rodata')!;
  t.is(ro.flags, BPF_F_RDONLY_PROG);
  t.deepEqual([...ro.contents!], [8, 0, 0, 0]);
  const bss = inputOf('global-data/bss-bound')!.maps.find((m) => m.name === '.bss')!;
  t.is(bss.flags, undefined);
  t.is(bss.contents, undefined);
  const kconfig = inputOf('global-data/kconfig-read')!.maps.find((m) => m.name === '.kconfig')!;
  t.is(kconfig.flags, BPF_F_RDONLY_PROG);
  t.is(kconfig.valueSize, 4);
  t.is(kconfig.contents, undefined);
});

clangTest('without the kernel: no corpus file the kernel refuses passes; false alarms are the listed ones', async (t) => {
  const v = await loadVerifier();
  const known = loadKnownFalseAlarms();
  const problems: string[] = [];
  for (const c of corpus) {
    const built = buildCorpusFile(c);
    if (!built.ok) continue; // a flag this clang does not know: the kernel test says so
    let inputs: VerifyInput[];
    try {
      inputs = inputsFromElf(new Uint8Array(readFileSync(built.object)), c.id, false);
    } catch {
      if (c.expect === 'accept' && !known.has(c.id)) problems.push(`${c.id}: the object cannot be read, and the kernel accepts it`);
      continue;
    }
    const refused = inputs.filter((i) => !v.verify(i).ok);
    if (c.expect === 'reject' && refused.length === 0) problems.push(`${c.id}: accepted, but the kernel refuses it (${c.message})`);
    if (c.expect === 'accept' && refused.length > 0 && !known.has(c.id)) problems.push(`${c.id}: refused, but the kernel accepts it`);
  }
  t.deepEqual(problems, []);
});
