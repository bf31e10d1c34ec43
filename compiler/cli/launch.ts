// The `switchyard` bin: runs the compiler's bundle (switchyard-compiler.cjs, beside this file) as a
// vm.Script with V8's code cache (code-cache.ts). Compiling the bundle's functions again on every
// start cost a compile of 1,000 services about 30 ms of its 0.85 s of CPU, and `--help` a tenth of
// its 0.1 s; Node 20 has no module compile cache of its own. SWITCHYARD_NO_CACHE=code (or 1) runs
// without it.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { cacheEnabled } from '../datapath-build/cache.ts';
import { CODE_CACHE_FOLDER, codeCachePath, writeCodeCache } from './code-cache.ts';

/** The compiler as a classic script; its `import.meta.url` is this parameter (scripts/build.js). */
export const COMPILER_BUNDLE = 'switchyard-compiler.cjs';
export const BUNDLE_URL_PARAM = '__switchyard_bundle_url';

type Main = (argv: readonly string[]) => Promise<number>;

const here = dirname(fileURLToPath(import.meta.url));
const file = join(here, COMPILER_BUNDLE);
const source = readFileSync(file, 'utf8');
const argv = process.argv.slice(2);
const enabled = cacheEnabled(CODE_CACHE_FOLDER);
const cache = codeCachePath(here, source, argv);

let cachedData: Buffer | undefined;
if (enabled) {
  try {
    cachedData = readFileSync(cache.path);
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
process.exitCode = await module.exports.main!(argv);
if (enabled && (!cachedData || script.cachedDataRejected)) writeCodeCache(cache, script.createCachedData());
