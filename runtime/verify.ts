// The pre-load check of the WebAssembly verifier: the one place where switchyard-node asks it
// about a node's programs before the kernel sees them.

import type { LoadableObject } from './object.ts';

/**
 * Problems the WebAssembly verifier finds in the object's programs (empty: none found).
 * Not wired yet: the verifier (verifier/, its own issue) lands separately; when it does, it is
 * called here, and apply refuses the object on any problem, exactly like a manifest mismatch.
 * Until then the kernel verifier at load time is the only check, and a refusal there still
 * leaves the node as it was.
 */
export function verifyPrograms(_object: LoadableObject): string[] {
  return [];
}
