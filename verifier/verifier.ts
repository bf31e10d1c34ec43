// The WebAssembly verifier, loaded through @assemblyscript/loader: one instance verifies
// programs one after another (each call resets the wasm heap). Same rules in CI, on the node
// and in a browser; this wrapper only moves data across the boundary.

import { instantiateSync, type ASUtil } from '@assemblyscript/loader';
import { readFileSync } from 'node:fs';
import { builtWasmPath, ensureBuilt, debugWasmPath } from './build.ts';
import type { GlobalFunc, VerifyInput } from './input.ts';
import { isGplCompatible } from './license.ts';
import { fieldKinds } from './map-fields.ts';
import { lineAt, VerdictCode, type Verdict } from './verdict.ts';

/** A wasm global as the loader hands it out. */
interface Global {
  value: number;
}

interface Exports extends Record<string, unknown> {
  Uint8Array_ID: Global;
  Int32Array_ID: Global;
  MAP_FIELDS: Global;
  begin(): void;
  setLicense(gpl: number): void;
  addMapField(map: number, kind: number, offset: number, size: number): void;
  verify(insns: number, maps: number, progType: number, attachType: number, strict: number): number;
  setMapContents(map: number, bytes: number): void;
  addGlobalFunc(insn: number, name: number, desc: number): void;
  resultInsn(): number;
  resultMessage(): number;
  resultProcessed(): number;
  resultStates(): number;
  resultPeakStates(): number;
  resultStackDepth(): number;
  resultWalks(): number;
  resultDecidedBranches(): number;
}

export class WasmVerifier {
  private constructor(private readonly x: ASUtil & Exports) {}

  /** Instantiates a built verifier module (bytes of verifier.wasm). */
  static fromBytes(bytes: Uint8Array): WasmVerifier {
    const mod = instantiateSync<Exports>(bytes as unknown as Parameters<typeof instantiateSync>[0], {});
    return new WasmVerifier(mod.exports);
  }

  verify(input: VerifyInput): Verdict {
    const x = this.x;
    if (input.insns.length % 8 !== 0) {
      return fail(input, 'malformed', `program of ${input.insns.length} bytes: not a multiple of 8`);
    }
    x.begin();
    x.setLicense(isGplCompatible(input.license) ? 1 : 0);
    input.maps.forEach((m, k) => {
      for (const f of m.fields ?? []) x.addMapField(k, fieldKinds[f.kind], f.offset, f.size);
    });
    const fields = Number(x.MAP_FIELDS.value);
    const table = new Int32Array(input.maps.length * fields);
    input.maps.forEach((m, k) => {
      table.set([m.type, m.keySize, m.valueSize, m.maxEntries, m.flags ?? 0, m.inner ?? -1], k * fields);
    });
    input.maps.forEach((m, k) => {
      if (m.contents) x.setMapContents(k, x.__pin(x.__newArray(Number(x.Uint8Array_ID.value), m.contents)));
    });
    for (const g of input.globalFuncs ?? []) {
      x.addGlobalFunc(g.insn, x.__pin(x.__newString(g.name)), x.__pin(x.__newArray(Number(x.Int32Array_ID.value), globalFuncDesc(g))));
    }
    const insns = x.__pin(x.__newArray(Number(x.Uint8Array_ID.value), input.insns));
    const maps = x.__pin(x.__newArray(Number(x.Int32Array_ID.value), table));
    const code = x.verify(insns, maps, input.progType, input.attachType, input.strictAlignment ? 1 : 0);
    const insn = x.resultInsn();
    const verdict: Verdict = {
      ok: code === 0,
      kind: VerdictCode[code as keyof typeof VerdictCode] ?? 'rejected',
      message: x.__getString(x.resultMessage()),
      insn,
      processed: x.resultProcessed(),
      states: x.resultStates(),
      peakStates: x.resultPeakStates(),
      stackDepth: x.resultStackDepth(),
      walks: x.resultWalks(),
      decidedBranches: x.resultDecidedBranches(),
    };
    const line = lineAt(input.lineInfo, insn);
    if (!verdict.ok && line) verdict.line = line;
    return verdict;
  }
}

/** [ret, nargs, kind, size, ...] as verifier/assembly/global-funcs.ts reads it. */
function globalFuncDesc(g: GlobalFunc): Int32Array {
  const ret = { scalar: 0, other: 2 }[g.returns];
  const args = g.args.flatMap((a) => (a.kind === 'scalar' ? [1, 0] : a.kind === 'ctx' ? [2, 0] : a.kind === 'mem' ? [3, a.size] : [4, 0]));
  return Int32Array.from([ret, g.args.length, ...args]);
}

function fail(_input: VerifyInput, kind: Verdict['kind'], message: string): Verdict {
  return { ok: false, kind, message, insn: 0, processed: 0, states: 0, peakStates: 0, stackDepth: 0, walks: 0, decidedBranches: 0 };
}

/**
 * The release build, already built (npm run build; or shipped beside a bundle as verifier.wasm),
 * for callers that cannot wait: artifact checks and the node runtime.
 */
export function loadVerifierSync(): WasmVerifier {
  return WasmVerifier.fromBytes(readFileSync(builtWasmPath()));
}

/**
 * The verifier from verifier/build/verifier.wasm, built first when the sources are newer.
 * `debug` loads the unoptimised build with bounds checks (tests compare both).
 */
export async function loadVerifier(options: { debug?: boolean } = {}): Promise<WasmVerifier> {
  await ensureBuilt();
  return WasmVerifier.fromBytes(readFileSync(options.debug ? debugWasmPath : builtWasmPath()));
}
