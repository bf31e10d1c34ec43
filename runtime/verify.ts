// The pre-load check of the WebAssembly verifier: the one place where switchyard-node asks it
// about a node's programs before the kernel sees them. The same verifier.wasm that
// `switchyard compile` ran; here it guards against artifacts from another compiler version or
// edited by hand past their manifest, and turns a would-be kernel refusal into a message that
// names the datapath source line, before anything on the node changes.

import { inputsFromElf } from '../verifier/object-input.ts';
import { formatVerdict } from '../verifier/verdict.ts';
import { readFileSync } from 'node:fs';
import { sha256Hex } from '../format/manifest.ts';
import { builtWasmPath } from '../verifier/build.ts';
import { loadVerifierSync, type WasmVerifier } from '../verifier/verifier.ts';

let shared: WasmVerifier | undefined;

/**
 * Problems the WebAssembly verifier finds in the object's programs (empty: none found), each
 * `program: insn N (file:line): reason`. Strict alignment, as the compiler checks Switchyard's
 * own objects, so a node on an architecture without efficient unaligned access is safe too.
 */
export function verifyPrograms(elf: Uint8Array, label: string): string[] {
  shared ??= loadVerifierSync();
  return inputsFromElf(elf, label, true).flatMap((input) => {
    const v = shared!.verify(input);
    return v.ok ? [] : [`${input.name}: ${formatVerdict(v)}`];
  });
}

let hash: string | undefined;
/** sha256 of the verifier.wasm this runtime runs: a verdict holds for that verifier only. */
export function verifierHash(): string {
  return (hash ??= sha256Hex(readFileSync(builtWasmPath())));
}
