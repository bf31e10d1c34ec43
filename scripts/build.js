#!/usr/bin/env node
// `npm run build` (and `npm install`, through `prepare`): bundles the two CLIs with esbuild and
// builds the WebAssembly verifier with asc. Each step says what it made.

import { build } from 'esbuild';
import { chmodSync, cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

// `--only NAME` builds one bundle (e.g. switchyard-node); `--outdir DIR` writes somewhere else than
// dist/ (the runtime's bundle test builds into a temp directory and runs it from there alone).
const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const only = arg('--only');
const outdir = arg('--outdir');

/** Entry points: added here as each CLI lands. `name` is what --only picks. */
const bundles = [
  // The compiler CLI keeps its npm dependencies (ts-morph, yaml) external: it runs from the package.
  // It is a classic script, which the bin (launch.ts) runs with V8's code cache: import.meta.url
  // becomes the launcher's parameter, and import() a require, which a vm.Script can do.
  {
    name: 'switchyard',
    entry: 'compiler/cli/main.ts',
    out: 'dist/switchyard-compiler.cjs',
    standalone: false,
    classic: { format: 'cjs', define: { 'import.meta.url': '__switchyard_bundle_url' }, supported: { 'dynamic-import': false } },
  },
  { name: 'switchyard', entry: 'compiler/cli/launch.ts', out: 'dist/switchyard.js', standalone: false, bin: true },
  // The node runtime is one file that runs with nothing of the repository beside it but koffi.
  { name: 'switchyard-node', entry: 'runtime/cli/main.ts', out: 'dist/switchyard-node.js', standalone: true, bin: true },
];

for (const b of bundles) {
  if (only && b.name !== only) continue;
  if (outdir) b.out = join(outdir, b.out.replace(/^dist\//, ''));
  if (!existsSync(b.entry)) {
    console.log(`build: ${b.entry} not written yet; ${b.out} skipped`);
    continue;
  }
  await build({
    entryPoints: [b.entry],
    outfile: b.out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: 'linked',
    legalComments: 'none',
    ...(b.standalone ? { external: ['koffi'] } : { packages: 'external' }),
    banner: b.classic ? {} : { js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
    ...b.classic,
  });
  // Executable, as the package's bins: npx and a shell run them directly (npm marks the bins of
  // dependencies it installs, never the package's own).
  if (b.bin) chmodSync(b.out, 0o755);
  console.log(`build: ${b.out}`);
  if (b.standalone) console.log(`build: ${copyKoffiBeside(b.out)}`);
}

/**
 * The runtime's one native piece: koffi's JavaScript and its prebuilt binary for this platform,
 * copied into dist/node_modules so that `node dist/switchyard-node.js` resolves `koffi` with
 * nothing else of the repository present. Koffi's C sources and headers stay behind.
 */
function copyKoffiBeside(outfile) {
  const target = join(dirname(outfile), 'node_modules');
  rmSync(join(target, 'koffi'), { recursive: true, force: true });
  rmSync(join(target, '@koromix'), { recursive: true, force: true });
  const runtimeFile = (src) =>
    statSync(src).isDirectory() ? !/[\\/](vendor|doc|lib|abi)$/.test(src) : /(\.(js|cjs|json)|LICENSE[^\\/]*)$/.test(src);
  cpSync('node_modules/koffi', join(target, 'koffi'), { recursive: true, filter: runtimeFile });
  const platforms = existsSync('node_modules/@koromix') ? readdirSync('node_modules/@koromix').filter((d) => d.startsWith('koffi-')) : [];
  for (const p of platforms) cpSync(join('node_modules/@koromix', p), join(target, '@koromix', p), { recursive: true });
  return `${target}/koffi (+ ${platforms.map((p) => `@koromix/${p}`).join(', ') || 'no prebuilt binary package found'})`;
}

// --- verifier (issue 7): the WebAssembly verifier, release and debug builds -------------------
// verifier/build/verifier.wasm is what the CLI and the node runtime load; the debug build (with
// bounds checks) is what tests compare it with. Tests rebuild both when the sources are newer.
// A bundle built alone (--only, as tests do) takes the verifier as it is built, instead of
// rewriting verifier/build/ under other processes that may be reading it.
const verifierBuilt = existsSync('verifier/build/verifier.wasm') && existsSync('verifier/build/verifier.debug.wasm');
{
  const { default: asc } = await import('assemblyscript/asc');
  for (const target of only && verifierBuilt ? [] : ['release', 'debug']) {
    const { error, stderr } = await asc.main(
      ['verifier/assembly/index.ts', '--config', 'verifier/asconfig.json', '--target', target],
      {},
    );
    if (error) {
      console.error(stderr.toString());
      throw new Error(`build: the verifier (asc --target ${target}) failed: ${error.message}`);
    }
  }
  // Both bundled CLIs find the verifier beside themselves (switchyard-node checks before loading).
  const { copyFileSync, mkdirSync } = await import('node:fs');
  const dist = outdir ?? 'dist';
  mkdirSync(dist, { recursive: true });
  copyFileSync('verifier/build/verifier.wasm', join(dist, 'verifier.wasm'));
  console.log(`build: verifier/build/verifier.wasm, verifier/build/verifier.debug.wasm, ${join(dist, 'verifier.wasm')}`);
}
// --- end verifier ----------------------------------------------------------------------------
