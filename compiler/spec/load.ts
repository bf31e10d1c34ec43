// The spec stage's entry point: files and directories in, one validated Spec out, or every
// problem found across all inputs (SY1xxx), each at file:line:col.

import { Diagnostics, type Diagnostic } from '../diagnostics.ts';
import { assembleSpec } from './assemble-spec.ts';
import { runSpecChecks } from './checks.ts';
import { codes } from './codes.ts';
import { Collected } from './drafts.ts';
import { readInputFiles } from './input-files.ts';
import { ROOT, ValueReader, type ReadContext } from './map-reader.ts';
import { readCompactDocument } from './read-compact.ts';
import { isManifest, readManifest, reportSkippedKinds } from './read-manifest.ts';
import type { Spec } from './types.ts';
import { YamlSource } from './yaml-source.ts';
import type { YMap } from './yaml-tree.ts';

/**
 * Reads spec files (directories: every *.yaml / *.yml in them, by name, not recursive); the two
 * formats may be mixed. `spec` is undefined when any diagnostic is an error; warnings come either way.
 */
export function loadSpec(paths: string[], texts: readonly { file: string; text: string }[] = []): { spec?: Spec; diagnostics: Diagnostic[] } {
  const diags = new Diagnostics();
  const files = readInputFiles(paths, diags, texts);
  const collected = new Collected();
  for (const f of files) {
    const src = new YamlSource(f.file, f.text, diags);
    for (const doc of src.documents) {
      const ctx: ReadContext = { src, diags, manifest: false };
      const root = new ValueReader(ctx, doc, ROOT);
      collected.firstDocument ??= root.range;
      const m = root.map();
      if (!m) continue;
      if (isManifest(m)) readManifest({ ...ctx, manifest: true }, doc as YMap, collected);
      else readCompactDocument(m, collected);
    }
  }
  reportSkippedKinds(collected, diags);
  if (!collected.firstDocument) {
    // Nothing to assemble: say why once, rather than "no cluster" and "no nodes" as well.
    if (!diags.hasErrors) {
      const what = files.length ? 'the inputs hold no YAML documents, only comments or nothing' : 'no spec files given';
      diags.report(codes.SY1003, `${what}; write a compact spec or add Kubernetes manifests`, files[0] && { file: files[0].file, line: 1, col: 1 });
    }
    return { diagnostics: diags.sorted() };
  }
  const { spec, hasCluster } = assembleSpec(collected, files, diags);
  runSpecChecks(spec, diags, { hasCluster, sawManifests: collected.sawManifests });
  const diagnostics = diags.sorted();
  return { spec: diags.hasErrors ? undefined : spec, diagnostics };
}
