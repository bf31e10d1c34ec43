// The one place where every BPF object is verified before anything is written: `switchyard
// compile` refuses to write output that its WebAssembly verifier rejects (docs: DESIGN.md).

import type { Diagnostic } from '../diagnostics.ts';
import type { DatapathObject } from './datapath-objects.ts';

/**
 * Diagnostics for the objects' programs. Not wired yet: the verifier's issue connects it here
 * (verifier/check-objects.ts: `checkObject(o.elf, objectPath(o)).diagnostics` for each object).
 * Until then the kernel verifier at load time (switchyard-node apply) is the check.
 */
export function verifyObjects(_objects: readonly DatapathObject[]): Diagnostic[] {
  return [];
}
