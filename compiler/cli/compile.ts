// `switchyard compile`: specs in, generated/<cluster>/ out, atomically; with --check, compiled in
// memory and compared with what is on disk, so CI fails on stale output and says what to run.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FILE } from '../../format/manifest.ts';
import { printableLines } from '../../format/printable.ts';
import { formatDiagnostic, type Diagnostic } from '../diagnostics.ts';
import { staleFiles, writeArtifacts, type InterruptPoint } from '../emit/write-output.ts';
import { EXIT, type CliIO, type Command } from './command.ts';
import { compileGroups, formatBytes, planFigures } from './compile-clusters.ts';
import { specGroups, userPath } from './spec-paths.ts';

export const DEFAULT_SPEC = 'specs';
export const DEFAULT_OUT = 'generated';

/** Prints diagnostics and a count line; returns whether any was an error. */
export function printDiagnostics(io: CliIO, diagnostics: readonly Diagnostic[]): boolean {
  for (const d of diagnostics) io.stderr.write(`${formatDiagnostic(d)}\n`);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  if (errors) io.stderr.write(`${errors} error${errors > 1 ? 's' : ''}${warnings ? `, ${warnings} warning${warnings > 1 ? 's' : ''}` : ''}; nothing written\n`);
  return errors > 0;
}

export const compileCommand: Command = {
  name: 'compile',
  summary: 'compile specs into generated/<cluster>/ (or check that it is up to date)',
  usage: 'switchyard compile [SPEC...] [-o DIR] [--check]',
  description: `
SPEC is a spec file or a directory of *.yaml files; together they make one cluster. A directory
without YAML files of its own but with subdirectories that have some (the default, specs/) is a
collection: each subdirectory compiles as its own cluster. Output goes to DIR/<cluster>/,
written atomically; IDs and allocations are read back from DIR/<cluster>/switchyard.lock.
SPEC - reads one more file of the cluster from standard input, named <stdin> in diagnostics:
kubectl get nodes,services,endpointslices,pods -A -o yaml | switchyard compile - cluster.yaml
Every problem is printed, sorted by place; on any error nothing is written and the exit code is 2.
With --check nothing is written either: the exit code is 1 when DIR is stale, 0 when it is not.`,
  options: [
    { name: 'out', short: 'o', value: 'DIR', help: `output root (default: ${DEFAULT_OUT}/)` },
    { name: 'check', help: 'compile in memory; exit 1 naming the files that differ from DIR' },
  ],
  run(args, io) {
    const specArgs = args.positionals.length ? args.positionals : [DEFAULT_SPEC];
    const outArg = typeof args.options.out === 'string' ? args.options.out : DEFAULT_OUT;
    const outRoot = userPath(io.cwd, outArg);
    const { groups, errors, onlyCollections } = specGroups(io.cwd, specArgs);
    if (errors.length) {
      for (const e of errors) io.stderr.write(`switchyard compile: ${printableLines(e)}\n`);
      return EXIT.error;
    }
    const outcome = compileGroups(groups, outRoot, io);
    if (printDiagnostics(io, outcome.diagnostics)) return EXIT.error;

    // Compiling whole collections (specs/) produces every cluster there is: any other cluster
    // directory in the output is left over from a spec that is gone.
    const orphans = onlyCollections ? orphanClusters(outRoot, outcome.compiles.map((c) => c.ctx.artifacts!.cluster)) : [];
    if (args.options.check) {
      const stale = [
        ...outcome.compiles.flatMap((c) => staleFiles(outRoot, c.ctx.artifacts!).map((s) => `${outRoot}/${s}`)),
        ...orphans.map((o) => `${outRoot}/${o}/: no spec produces it any more; delete it`),
      ];
      if (stale.length === 0) {
        io.stdout.write(`${outcome.compiles.map((c) => `${outRoot}/${c.ctx.artifacts!.cluster}`).join(', ')}: up to date\n`);
        return EXIT.ok;
      }
      const rerun = ['npx switchyard compile', ...args.positionals, ...(args.options.out !== undefined ? ['-o', outArg] : [])].join(' ');
      io.stderr.write(`generated output is stale:\n${stale.map((s) => `  ${s}`).join('\n')}\nregenerate it with: ${rerun}\n`);
      return EXIT.negative;
    }

    // For tests: die by SIGKILL right after the named step, as a crash or kill -9 would.
    const interrupt = io.env.SWITCHYARD_INTERRUPT_AT as InterruptPoint | undefined;
    const atStep = interrupt ? (step: InterruptPoint) => void (step === interrupt && process.kill(process.pid, 'SIGKILL')) : undefined;
    for (const c of outcome.compiles) {
      const set = c.ctx.artifacts!;
      const w = writeArtifacts(outRoot, set, atStep);
      const f = planFigures(c.ctx.plan!);
      io.stdout.write(
        `${w.changed ? 'wrote' : 'unchanged'} ${outRoot}/${set.cluster}: ${f.services} services, ${f.frontends} frontends, ` +
          `${f.backends} backends, ${f.nodes} nodes; ${set.files.size} files, ${formatBytes(w.bytes)}\n`,
      );
    }
    for (const o of orphans) io.stderr.write(`note: ${outRoot}/${o}/ is generated output that no spec produces any more; delete it\n`);
    return EXIT.ok;
  },
};

/** Cluster directories (with a manifest) under the output root that no compiled cluster wrote. */
function orphanClusters(outRoot: string, clusters: readonly string[]): string[] {
  if (!existsSync(outRoot)) return [];
  return readdirSync(outRoot)
    .filter((n) => !n.startsWith('.') && !clusters.includes(n) && existsSync(join(outRoot, n, MANIFEST_FILE)))
    .sort();
}
