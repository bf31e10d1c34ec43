// The verifier as a stage check: every entry program of a BPF object (bytes), verified, with
// any refusal as diagnostics. For `switchyard compile` before it writes artifacts and for the
// artifact checks of `switchyard start`; synchronous, with the already-built wasm.

import type { Diagnostic } from '../compiler/diagnostics.ts';
import { codes, verdictDiagnostic } from './codes.ts';
import { inputsFromElf } from './object-input.ts';
import { loadVerifierSync, type WasmVerifier } from './verifier.ts';

let shared: WasmVerifier | undefined;

export interface ObjectCheck {
  programs: number;
  diagnostics: Diagnostic[];
}

/** Verifies the object's programs; `strictAlignment` is Switchyard's default for its own objects. */
export function checkObject(bytes: Uint8Array, label: string, strictAlignment = true): ObjectCheck {
  shared ??= loadVerifierSync();
  try {
    const inputs = inputsFromElf(bytes, label, strictAlignment);
    const diagnostics = inputs.flatMap((input) => {
      const d = verdictDiagnostic(input, shared!.verify(input), label);
      return d ? [d] : [];
    });
    return { programs: inputs.length, diagnostics };
  } catch (e) {
    return { programs: 0, diagnostics: [{ code: codes.SY5010.code, severity: 'error', message: `${label}: ${(e as Error).message}` }] };
  }
}
