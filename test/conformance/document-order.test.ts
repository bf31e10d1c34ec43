// The README's claim "file and document order never changes the result", checked on every
// conformance case: its documents (and the cluster document) are shuffled into one file, with the
// items of each kind: List shuffled too, and then spread over several files whose names sort in
// yet another order; both must compile to the case's tables byte for byte, with the same warnings
// and errors (their file:line:col aside, which name other files).

import test from 'ava';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { shuffled } from '../emit/helpers.ts';
import { CASES_DIR, caseInputs, caseNames, compileCase } from './compile-case.ts';

type Doc = Record<string, unknown>;

/** Every document of the case's inputs, as plain values. */
function documents(paths: string[]): Doc[] {
  return paths.flatMap((p) => parseAllDocuments(readFileSync(p, 'utf8')).map((d) => d.toJS() as Doc).filter((d) => d !== null));
}

const isList = (d: Doc): d is Doc & { items: Doc[] } => d['kind'] === 'List' && Array.isArray(d['items']);

/** A seed per case and variant, so that a failure reproduces and cases differ. */
function seedOf(name: string, variant: string): number {
  return createHash('sha256').update(`${name}/${variant}`).digest().readUInt32LE(0);
}

/** Documents in shuffled order in one file; a List keeps its items, shuffled. */
function oneFile(docs: Doc[], seed: number): Map<string, string> {
  const mixed = shuffled(docs, seed).map((d) => (isList(d) ? { ...d, items: shuffled(d.items, seed + 1) } : d));
  return new Map([['all.yaml', mixed.map((d) => stringify(d)).join('---\n')]]);
}

/** Lists opened into their items, every document shuffled and dealt over three files. */
function severalFiles(docs: Doc[], seed: number): Map<string, string> {
  const flat = shuffled(docs.flatMap((d) => (isList(d) ? d.items : [d])), seed);
  // Named so that the order read (by name) is neither the order dealt nor the original.
  const names = shuffled(['a.yaml', 'b.yaml', 'c.yaml'], seed + 2);
  const out = new Map<string, string>();
  flat.forEach((d, i) => {
    const name = names[i % names.length]!;
    out.set(name, `${out.get(name) ?? ''}${out.has(name) ? '---\n' : ''}${stringify(d)}`);
  });
  return out;
}

/** Diagnostics without their places: another file layout moves every line. */
function withoutPlaces(diagnostics: string): string[] {
  return diagnostics.split('\n').filter((l) => l !== '' && !l.startsWith('  ')).map((l) => l.replace(/^[^ ]*:\d+:\d+: /, '')).sort();
}

for (const name of caseNames()) {
  test(`document order: ${name}`, (t) => {
    const inputs = caseInputs(name);
    const reference = compileCase(inputs, join(CASES_DIR, name));
    const docs = documents(inputs);
    for (const [variant, layout] of [['one file', oneFile(docs, seedOf(name, 'one'))], ['three files', severalFiles(docs, seedOf(name, 'three'))]] as const) {
      const dir = mkdtempSync(join(tmpdir(), `switchyard-order-${name}-`));
      try {
        for (const [file, text] of layout) writeFileSync(join(dir, file), text);
        const got = compileCase([dir], dir);
        t.deepEqual([...got.keys()].sort(), [...reference.keys()].sort(), `${name}, ${variant}: other files produced`);
        for (const [path, text] of reference) {
          if (path === 'diagnostics.txt') t.deepEqual(withoutPlaces(got.get(path)!), withoutPlaces(text), `${name}, ${variant}: diagnostics`);
          else t.is(got.get(path), text, `${name}, ${variant}: ${path}`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
}
