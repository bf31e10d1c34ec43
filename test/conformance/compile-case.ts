// Compiles one conformance case in-process, through the compiler's own pipeline minus the
// datapath and verify stages (the tables under test do not depend on the BPF objects, and
// building those for every case would cost minutes), and returns the files a case compares:
// the review tables exactly as `switchyard compile` writes them, and the diagnostics it prints
// (runner.test.ts checks both against the command). There is no previous lock: IDs and
// allocations are those of a first compile.

import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../../compiler/diagnostics.ts';
import { pipeline, runPipeline } from '../../compiler/pipeline.ts';

export const CONFORMANCE_DIR = 'test/conformance';
export const CASES_DIR = join(CONFORMANCE_DIR, 'cases');
/** The cluster: document of cases that bring none. */
export const DEFAULT_CLUSTER = join(CONFORMANCE_DIR, 'cluster.yaml');

/** The stages whose output a case checks; datapath and verify only add objects to it. */
const STAGES = pipeline.filter((s) => s.name !== 'datapath' && s.name !== 'verify');

/** Every case directory, by name. */
export function caseNames(): string[] {
  return readdirSync(CASES_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** A case's spec files: its input.yaml, and its own cluster.yaml or the default one. */
export function caseInputs(name: string): string[] {
  const dir = join(CASES_DIR, name);
  const own = join(dir, 'cluster.yaml');
  return [join(dir, 'input.yaml'), existsSync(own) ? own : DEFAULT_CLUSTER];
}

/**
 * Compiles `paths` and returns relative path → text: services.txt, backends.txt,
 * nodes/<node>/services.txt, zones/<zone>/services.txt (none when an error stopped the compile) and diagnostics.txt, with
 * file names made relative to `base` (the case directory) so that goldens do not depend on
 * where the suite runs.
 */
export function compileCase(paths: string[], base: string): Map<string, string> {
  const r = runPipeline({ paths }, undefined, STAGES);
  const out = new Map<string, string>();
  const files = r.ok ? r.ctx.artifacts?.files : undefined;
  for (const [path, bytes] of files ?? []) {
    if (path === 'services.txt' || path === 'backends.txt' || /^(nodes|zones)\/[^/]+\/services\.txt$/.test(path)) {
      out.set(path, Buffer.from(bytes).toString('utf8'));
    }
  }
  out.set('diagnostics.txt', r.diagnostics.map((d) => `${formatDiagnostic(relativeTo(d, base, paths))}\n`).join(''));
  return out;
}

function relativeTo(d: Diagnostic, base: string, paths: string[]): Diagnostic {
  // Notes may name another definition's place too; rewrite every input path they mention.
  const rel = (s: string) => paths.reduce((acc, p) => acc.split(p).join(relative(base, p)), s);
  return {
    ...d,
    message: rel(d.message),
    range: d.range && { ...d.range, file: relative(base, d.range.file) },
    notes: d.notes?.map(rel),
  };
}
