// Loading BPF-TS sources into a ts-morph project with the datapath's compiler options and the
// bpf*.d.ts declarations, and turning TypeScript's own errors into SY3001 diagnostics.

import { existsSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceFile } from 'ts-morph';
import { Node, Project, ts } from './ts-morph.ts';
import type { Diagnostic, SourceRange } from '../../diagnostics.ts';
import type { SourceLoc } from '../../bpf/insn.ts';
import { codes } from '../codes.ts';

/**
 * compiler/datapath/: the declarations, the shared headers, the datapath programs. Seen from
 * this file in the sources, or from dist/switchyard.js when the CLI runs as esbuild's bundle.
 */
export const DATAPATH_DIR = [new URL('../../datapath/', import.meta.url), new URL('../compiler/datapath/', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((d) => existsSync(resolve(d, 'bpf.d.ts'))) ?? fileURLToPath(new URL('../../datapath/', import.meta.url));
export const DECLARATION_FILES = ['bpf.d.ts', 'bpf-context.d.ts', 'bpf-helpers.d.ts'];

/** The same options as compiler/datapath/tsconfig.json (a function: ts loads on first use). */
const compilerOptions = (): import('ts-morph').ts.CompilerOptions => ({
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  noLib: true,
  types: [],
  strict: true,
  noEmit: true,
  allowImportingTsExtensions: true,
  noFallthroughCasesInSwitch: true,
  noImplicitReturns: true,
});

export interface SourceSet {
  readonly project: Project;
  /** Paths in diagnostics and source locations are relative to this directory. */
  readonly root: string;
}

/** A project holding the declarations; add sources with addFiles or addSource. */
export function openProject(root = process.cwd()): SourceSet {
  const project = new Project({ compilerOptions: compilerOptions(), skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
  for (const f of DECLARATION_FILES) project.addSourceFileAtPath(resolve(DATAPATH_DIR, f));
  return { project, root: resolve(root) };
}

export function addFiles(set: SourceSet, paths: string[]): SourceFile[] {
  const files = paths.map((p) => set.project.addSourceFileAtPath(resolve(set.root, p)));
  set.project.resolveSourceFileDependencies();
  return files;
}

/**
 * An in-memory source (never written to disk), e.g. a test's program. Give it a path inside
 * compiler/datapath/ to import the shared headers as `./headers.ts`.
 */
export function addSource(set: SourceSet, path: string, text: string): SourceFile {
  const file = set.project.createSourceFile(resolve(set.root, path), text, { overwrite: true });
  set.project.resolveSourceFileDependencies();
  return file;
}

export function isDeclarationFile(file: SourceFile): boolean {
  return resolve(file.getDirectoryPath()) === resolve(DATAPATH_DIR) && DECLARATION_FILES.includes(file.getBaseName());
}

export function displayPath(set: SourceSet, file: SourceFile | string): string {
  const p = typeof file === 'string' ? file : file.getFilePath();
  const rel = relative(set.root, p);
  return (rel.startsWith('..') ? p : rel).split(sep).join('/');
}

/** file:line:col of a node's start (after leading trivia). */
export function rangeOf(set: SourceSet, node: Node): SourceRange {
  const sf = node.getSourceFile();
  const start = sf.getLineAndColumnAtPos(node.getStart());
  const end = sf.getLineAndColumnAtPos(node.getEnd());
  return { file: displayPath(set, sf), line: start.line, col: start.column, endLine: end.line, endCol: end.column };
}

/** The source location an instruction carries: the node's line, and that line's text. */
export function locOf(set: SourceSet, node: Node): SourceLoc {
  const sf = node.getSourceFile();
  const { line, column } = sf.getLineAndColumnAtPos(node.getStart());
  const text = sf.getFullText().split('\n')[line - 1]?.trim() ?? '';
  return { file: displayPath(set, sf), line, col: column, text };
}

/** TypeScript's errors in the given files (and the declarations), as SY3001. */
export function typeScriptDiagnostics(set: SourceSet, files: SourceFile[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const all = files.flatMap((f) => f.getPreEmitDiagnostics());
  for (const d of all) {
    if (d.getCategory() !== ts.DiagnosticCategory.Error) continue;
    const sf = d.getSourceFile();
    const text = ts.flattenDiagnosticMessageText(d.compilerObject.messageText, '\n');
    let range: SourceRange | undefined;
    if (sf && d.getStart() !== undefined) {
      const { line, column } = sf.getLineAndColumnAtPos(d.getStart()!);
      range = { file: displayPath(set, sf), line, col: column };
    }
    // A diagnostic's message is one line: TypeScript's chain of reasons (indented two spaces per
    // level) goes to the notes, which print indented two spaces already.
    const [head = '', ...chain] = text.split('\n');
    const notes = chain.length ? chain.map((l) => l.replace(/^ {2}/, '')) : undefined;
    out.push({ code: codes.SY3001.code, severity: 'error', message: `TS${d.getCode()}: ${head}`, range, ...(notes ? { notes } : {}) });
  }
  return out;
}
