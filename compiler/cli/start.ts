// `switchyard start` (what `npm start` runs): compiles the demo spec into generated/demo, runs
// every check that exists so far on the written files, and prints a short summary.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE, parseManifest } from '../../format/manifest.ts';
import { writeArtifacts } from '../emit/write-output.ts';
import { artifactChecks } from './artifact-checks.ts';
import { EXIT, type Command } from './command.ts';
import { compileGroups, formatBytes, planFigures } from './compile-clusters.ts';
import { DEFAULT_OUT, printDiagnostics } from './compile.ts';
import { userPath } from './spec-paths.ts';

export const DEMO_SPEC = 'specs/demo';

export const startCommand: Command = {
  name: 'start',
  summary: 'compile the demo (specs/demo → generated/demo), check it, print a summary',
  usage: 'switchyard start [-o DIR]',
  description: `
Compiles ${DEMO_SPEC} into DIR/demo (default ${DEFAULT_OUT}/), runs the checks that exist so far
on what was written (manifest hashes, map contents against maps.json, generated headers), and
prints what the demo holds. Run it from the repository root (npm start does).`,
  options: [{ name: 'out', short: 'o', value: 'DIR', help: `output root (default: ${DEFAULT_OUT}/)` }],
  maxPositionals: 0,
  run(args, io) {
    const spec = userPath(io.cwd, DEMO_SPEC);
    const outRoot = userPath(io.cwd, typeof args.options.out === 'string' ? args.options.out : DEFAULT_OUT);
    if (!existsSync(spec)) {
      io.stderr.write(`switchyard start: ${spec} not found; run it from the repository root (npm start does), or compile your own spec with 'switchyard compile SPEC'\n`);
      return EXIT.error;
    }
    const outcome = compileGroups([[spec]], outRoot, io);
    if (printDiagnostics(io, outcome.diagnostics)) return EXIT.error;
    const { ctx } = outcome.compiles[0]!;
    const set = ctx.artifacts!;
    const w = writeArtifacts(outRoot, set);
    const f = planFigures(ctx.plan!);
    const out: string[] = [
      `switchyard: compiled ${spec} → ${w.dir}${w.changed ? '' : ' (unchanged)'}`,
      `  services ${f.services}, frontends ${f.frontends}, backends ${f.backends}, nodes ${f.nodes}`,
      `  files ${set.files.size}, ${formatBytes(w.bytes)}`,
    ];
    const manifest = parseManifest(readFileSync(join(w.dir, MANIFEST_FILE), 'utf8'));
    let failed = 0;
    for (const check of artifactChecks) {
      const r = check.run(w.dir, manifest);
      if (r.problems.length) {
        failed++;
        out.push(`  check ${check.name}: FAILED`);
        for (const p of r.problems) out.push(`    ${p}`);
      } else {
        out.push(`  check ${check.name}: ok, ${r.summary}`);
      }
    }
    out.push(
      `next: read ${w.dir}/services.txt and ${w.dir}/backends.txt; 'switchyard compile --check' tells whether it is stale;`,
      `      docs/generated.md describes every file`,
    );
    io.stdout.write(out.join('\n') + '\n');
    return failed ? EXIT.error : EXIT.ok;
  },
};
