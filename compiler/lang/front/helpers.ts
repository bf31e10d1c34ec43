// What BPF-TS knows about each kernel helper beyond its TypeScript prototype (in
// bpf-helpers.d.ts): the contexts it is offered in, and whether it may move packet data (which
// ends the life of every packet pointer, as the verifier sees it). A view of the helper table in
// format/bpf-helpers.ts, where those facts are written.

import { helpers } from '../../../format/bpf-helpers.ts';
import { contextOfProgType } from './context.ts';
import type { ContextKind } from './types.ts';

export interface HelperRule {
  readonly contexts: readonly ContextKind[];
  readonly movesPacket: boolean;
}

/** Keyed by the BPF-TS name (the kernel's, with its `bpf_` prefix). */
export const helperRules: Readonly<Record<string, HelperRule>> = Object.freeze(Object.fromEntries(
  helpers
    .filter((s) => s.bpfTs.length > 0)
    .map((s) => [`bpf_${s.name}`, { contexts: s.bpfTs.map(contextOfProgType), movesPacket: s.movesPacket }]),
));
