// The `switchyard` bin: runs the compiler's bundle (switchyard-compiler.cjs, beside this file) as a
// vm.Script with V8's code cache, kept per command in the build cache (node_modules/.cache/
// switchyard/code/). Compiling the bundle's functions again on every start cost a compile of
// 1,000 services about 70 ms of its 0.85 s of CPU; Node 20 has no module compile cache of its own.
// SWITCHYARD_NO_CACHE=code (or 1) runs without it.

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { cacheDir, cacheEnabled } from '../datapath-build/cache.ts';

/** The compiler as a classic script; its `import.meta.url` is this parameter (scripts/build.js). */
export const COMPILER_BUNDLE = 'switchyard-compiler.cjs';
export const BUNDLE_URL_PARAM = '__switchyard_bundle_url';
const FOLDER = 'code';

type Main = (argv: readonly string[]) => Promise<number>;

const here = dirname(fileURLToPath(import.meta.url));
const file = join(here, COMPILER_BUNDLE);
const source = readFileSync(file, 'utf8');
const enabled = cacheEnabled(FOLDER);
const dir = cacheDir(dirname(here), FOLDER);
// One cache per bundle, Node version and command: each holds the functions its command ran.
const version = createHash('sha256').update(process.version).update('\0').update(source).digest('hex').slice(0, 32);
const command = /^[a-z]+$/.test(process.argv[2] ?? '') ? process.argv[2]! : 'other';
const cachePath = join(dir, `${version}-${command}.bin`);

let cachedData: Buffer | undefined;
if (enabled) {
  try {
    cachedData = readFileSync(cachePath);
  } catch {
    // none yet: this run makes it
  }
}
// The wrapper keeps the bundle's line numbers: stack traces point where they did.
const script = new vm.Script(`(function (require, module, exports, __filename, __dirname, ${BUNDLE_URL_PARAM}) {${source}\n})`, {
  filename: file,
  cachedData,
});
const module = { exports: {} as { main?: Main } };
(script.runInThisContext() as (...args: unknown[]) => void)(createRequire(file), module, module.exports, file, here, pathToFileURL(file).href);
process.exitCode = await module.exports.main!(process.argv.slice(2));
if (enabled && (!cachedData || script.cachedDataRejected)) writeCodeCache(script.createCachedData());

/** Written aside and renamed; caches of other bundles or Node versions go. Failures are no cache. */
function writeCodeCache(data: Buffer): void {
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = `${cachePath}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, cachePath);
    for (const n of readdirSync(dir)) if (!n.startsWith(version)) rmSync(join(dir, n), { force: true });
  } catch {
    // a read-only install starts without it each time
  }
}
