// The one place where every BPF object is verified before anything is written: `switchyard
// compile` refuses to write output that its WebAssembly verifier rejects (DESIGN.md), with
// strict alignment, so the objects also load where unaligned access is not cheap.
// A verdict depends only on the object's bytes and on the verifier (its wasm, and the sources
// that feed it, which the cache key covers), so an object this machine already found clean is
// not verified again: that was ~150 ms of every recompile, whatever changed in the spec.

import { readFileSync } from 'node:fs';
import { sha256Hex } from '../../format/manifest.ts';
import { builtWasmPath } from '../../verifier/build.ts';
import { checkObject } from '../../verifier/check-objects.ts';
import type { Diagnostic } from '../diagnostics.ts';
import { DatapathCache } from '../datapath-build/cache.ts';
import { objectPath, REPO_ROOT, type DatapathObject } from '../datapath-build/objects.ts';

/** Diagnostics (SY5xxx) for the objects' programs, each at the failing BPF-TS line. */
export function verifyObjects(objects: readonly DatapathObject[]): Diagnostic[] {
  const cache = new DatapathCache(REPO_ROOT, 'verdicts');
  const wasm = cache.enabled ? wasmHash() : undefined;
  return objects.flatMap((o) => {
    const label = objectPath(o);
    // No verifier to hash: checkObject reports that as it would without a cache.
    if (wasm === undefined) return checkObject(o.elf, label).diagnostics;
    const key = verdictKey(cache, o, wasm);
    const kept = cache.getJson<Diagnostic[]>(key);
    if (kept) return kept;
    const { diagnostics } = checkObject(o.elf, label);
    // Only clean verdicts (warnings at most) are kept: a refusal is shown afresh each time.
    if (!diagnostics.some((d) => d.severity === 'error')) cache.putJson(key, diagnostics);
    return diagnostics;
  });
}

/** Where an object's verdict is kept: its bytes, its label (diagnostics name it) and the verifier. */
export function verdictKey(cache: DatapathCache, o: DatapathObject, wasm = wasmHash()): string {
  return cache.key({ verdict: sha256Hex(o.elf), label: objectPath(o), wasm });
}

function wasmHash(): string | undefined {
  try {
    return sha256Hex(readFileSync(builtWasmPath()));
  } catch {
    return undefined;
  }
}
