#!/usr/bin/env node
// `npm run build` (and `npm install`, through `prepare`): bundles the two CLIs with esbuild and
// builds the WebAssembly verifier with asc. Each step says what it made.

import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

/** Entry points: added here as each CLI lands. */
const bundles = [
  // The compiler CLI keeps its npm dependencies (ts-morph, yaml) external: it runs from the package.
  { entry: 'compiler/cli/main.ts', out: 'dist/switchyard.js', standalone: false },
  // The node runtime is one file that runs with nothing of the repository beside it but koffi.
  { entry: 'runtime/cli/main.ts', out: 'dist/switchyard-node.js', standalone: true },
];

for (const b of bundles) {
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
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  console.log(`build: ${b.out}`);
}
