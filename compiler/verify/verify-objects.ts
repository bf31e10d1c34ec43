// The one place where every BPF object is verified before anything is written: `switchyard
// compile` refuses to write output that its WebAssembly verifier rejects (DESIGN.md), with
// strict alignment, so the objects also load where unaligned access is not cheap.

import type { Diagnostic } from '../diagnostics.ts';
import { checkObject } from '../../verifier/check-objects.ts';
import { objectPath, type DatapathObject } from '../datapath-build/objects.ts';

/** Diagnostics (SY5xxx) for the objects' programs, each at the failing BPF-TS line. */
export function verifyObjects(objects: readonly DatapathObject[]): Diagnostic[] {
  return objects.flatMap((o) => checkObject(o.elf, objectPath(o)).diagnostics);
}
