// The clang-built test programs (test/verifier/clang/*.c), compiled on demand with clang -target
// bpf into a temporary directory: real compiler output, with the loops, spills and byte-wise
// memcpy that LLVM emits, for the differential harness and the benchmark.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VerifyInput } from '../../verifier/input.ts';
import { inputsFromElf } from '../../verifier/object-input.ts';
import { toolsUnavailableReason } from '../helpers/tools.ts';

export const clangDir = join(dirname(fileURLToPath(import.meta.url)), 'clang');

/** Why clang objects cannot be built here ("needs clang (Debian package clang)"), or undefined. */
export function clangUnavailableReason(): string | undefined {
  return toolsUnavailableReason(['clang']);
}

export interface ClangObject {
  name: string;
  bytes: Uint8Array;
}

/** Compiles every test/verifier/clang/*.c with -O2 -g for BPF (CPU v3). */
export function buildClangObjects(): ClangObject[] {
  const tmp = mkdtempSync(join(tmpdir(), 'sy-verifier-clang-'));
  try {
    return readdirSync(clangDir)
      .filter((f) => f.endsWith('.c'))
      .sort()
      .map((f) => {
        const out = join(tmp, f.replace(/\.c$/, '.o'));
        execFileSync('clang', ['-O2', '-g', '-target', 'bpf', '-mcpu=v3', '-I/usr/include/x86_64-linux-gnu', '-c', join(clangDir, f), '-o', out], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        return { name: basename(f, '.c'), bytes: new Uint8Array(readFileSync(out)) };
      });
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Every entry program of the clang objects, loose and with strict alignment. */
export function clangInputs(): VerifyInput[] {
  return buildClangObjects().flatMap((o) => [
    ...inputsFromElf(o.bytes, `${o.name}.o`, false).map((i) => ({ ...i, name: `${o.name}.o ${i.name}` })),
    ...inputsFromElf(o.bytes, `${o.name}.o`, true).map((i) => ({ ...i, name: `${o.name}.o ${i.name} (strict)` })),
  ]);
}
