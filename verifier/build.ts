// Builds verifier/build/*.wasm from verifier/assembly/ with asc when missing or older than the
// sources. Safe to call from parallel test processes: one builds under a lock, others wait.

import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const sourceDir = join(here, 'assembly');
export const buildDir = join(here, 'build');
export const wasmPath = join(buildDir, 'verifier.wasm');
export const debugWasmPath = join(buildDir, 'verifier.debug.wasm');

/**
 * Where the release build is: verifier/build/ in the repository, or beside the bundle
 * (dist/verifier.wasm, which scripts/build.js copies there) once bundled.
 */
export function builtWasmPath(): string {
  for (const p of [wasmPath, join(here, 'verifier.wasm')]) if (existsSync(p)) return p;
  throw new Error(`load the WebAssembly verifier: ${wasmPath} is missing; run npm run build`);
}

function newestSource(): number {
  let t = statSync(join(here, 'asconfig.json')).mtimeMs;
  for (const f of readdirSync(sourceDir)) if (f.endsWith('.ts')) t = Math.max(t, statSync(join(sourceDir, f)).mtimeMs);
  return t;
}

export function isStale(path = wasmPath): boolean {
  if (!existsSync(sourceDir)) return false; // an installed package: the build ships as is
  return !existsSync(path) || statSync(path).mtimeMs < newestSource();
}

async function compile(target: 'release' | 'debug', out: string): Promise<void> {
  // Untyped on purpose: asc's declarations bring AssemblyScript's globals into the program.
  const ascModule = 'assemblyscript/asc';
  const { default: asc } = (await import(ascModule)) as { default: AscApi };
  const tmp = `${out}.${process.pid}.tmp`;
  const errors: string[] = [];
  const { error } = await asc.main(
    [join(sourceDir, 'index.ts'), '--config', join(here, 'asconfig.json'), '--target', target, '--outFile', tmp],
    { stderr: { write: (s: string | Uint8Array) => (errors.push(String(s)), true) } },
  );
  if (error) throw new Error(`build the verifier (asc, ${target}): ${error.message}\n${errors.join('')}`);
  renameSync(tmp, out);
}

interface AscApi {
  main(args: string[], options: { stderr: { write(s: string | Uint8Array): boolean } }): Promise<{ error: Error | null }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Rebuilds the release and debug wasm if stale. */
export async function ensureBuilt(): Promise<void> {
  if (!isStale(wasmPath) && !isStale(debugWasmPath)) return;
  mkdirSync(buildDir, { recursive: true });
  const lock = join(buildDir, '.lock');
  for (let waited = 0; ; waited += 200) {
    try {
      closeSync(openSync(lock, 'wx'));
      break;
    } catch {
      // Another process builds; a lock older than two minutes is a crashed build's.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { force: true });
      await sleep(200);
      if (!isStale(wasmPath) && !isStale(debugWasmPath)) return;
    }
  }
  try {
    if (isStale(wasmPath)) await compile('release', wasmPath);
    if (isStale(debugWasmPath)) await compile('debug', debugWasmPath);
  } finally {
    rmSync(lock, { force: true });
  }
}
