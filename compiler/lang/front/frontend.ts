// The front end: BPF-TS source files to IR programs. TypeScript checks the sources first; then
// top-level declarations are evaluated (constants, maps, configuration), programs are found by
// their `@section` tag, and each is lowered with the subprograms it calls.

import type { FunctionDeclaration, SourceFile } from 'ts-morph';
import { Node, SyntaxKind } from './ts-morph.ts';
import type { Diagnostic } from '../../diagnostics.ts';
import { codes } from '../codes.ts';
import { Compilation } from './compilation.ts';
import type { ConfigValues } from './config.ts';
import { sections, type SectionInfo } from './context.ts';
import type { IrProgram } from '../ir/ir.ts';
import { lowerProgram, movingSubprograms, ProgramUnit, subprogramsOf } from './lower-function.ts';
import type { MapDecl } from './maps.ts';
import { checkTopLevel, installModuleEvaluation } from './module-values.ts';
import { callsIn } from './generics.ts';
import { isDeclarationFile, typeScriptDiagnostics, type SourceSet } from './source.ts';

export interface FrontendProgram {
  readonly ir: IrProgram;
  readonly section: string;
  readonly info: SectionInfo;
}

export interface FrontendResult {
  readonly programs: FrontendProgram[];
  readonly maps: MapDecl[];
  readonly diagnostics: Diagnostic[];
  /** Subprograms that may move packet data (their callers' packet pointers die). */
  readonly movingSubprograms: ReadonlySet<string>;
}

export interface FrontendOptions {
  readonly config?: ConfigValues;
  /** Compile only these programs (by function name); default: every program in the entries. */
  readonly only?: readonly string[];
}

export function frontend(set: SourceSet, entries: SourceFile[], opts: FrontendOptions = {}): FrontendResult {
  const c = new Compilation(set, opts.config ?? {});
  installModuleEvaluation(c);
  c.diags.addAll(typeScriptDiagnostics(set, entries));
  const userFiles = set.project.getSourceFiles().filter((f) => !isDeclarationFile(f));
  for (const f of userFiles) checkTopLevel(c, f);

  const programs: FrontendProgram[] = [];
  const units = new Map<string, ProgramUnit>();
  const names = new Map();
  for (const file of entries) {
    for (const decl of file.getFunctions()) {
      const tag = decl.getJsDocs().flatMap((d) => d.getTags()).find((t) => t.getTagName() === 'section');
      if (!tag) continue;
      const section = tag.getCommentText()?.trim() ?? '';
      const name = decl.getName() ?? '(anonymous)';
      if (opts.only && !opts.only.includes(name)) continue;
      const info = sections[section];
      if (!info) {
        c.report(codes.SY3060, `program ${name}: unknown section "${section}"`, tag, [`known: ${Object.keys(sections).join(', ')}`]);
        continue;
      }
      if (!decl.isExported()) {
        c.report(codes.SY3060, `program ${name} must be exported`, decl.getNameNode() ?? decl);
        continue;
      }
      const unit = units.get(info.ctx) ?? units.set(info.ctx, new ProgramUnit(c, info.ctx, names)).get(info.ctx)!;
      unit.callCounts = countCalls(c, decl);
      const main = lowerProgram(unit, decl, section);
      if (main) programs.push({ ir: { main, subprograms: subprogramsOf(unit, main) }, section, info });
    }
  }
  const seen = new Map<string, string>();
  for (const p of programs) {
    const other = seen.get(p.ir.main.name);
    if (other) c.diags.report(codes.SY3069, `two programs are named ${p.ir.main.name}`, undefined, [other]);
    seen.set(p.ir.main.name, p.section);
  }
  return { programs, maps: [...c.maps.values()], diagnostics: c.diags.sorted(), movingSubprograms: movingSubprograms(units.values()) };
}

/**
 * How often each user function instance is called in the code a program reaches (each instance's
 * body counted once): a function called once per program gains nothing from being a subprogram,
 * since the kernel gives every program its own copy of the subprograms it calls.
 */
function countCalls(c: Compilation, program: FunctionDeclaration): Map<string, number> {
  const counts = new Map<string, number>();
  const seen = new Set<string>();
  const work: { decl: FunctionDeclaration; env: Map<Node, Node> }[] = [{ decl: program, env: new Map() }];
  while (work.length) {
    const { decl, env } = work.pop()!;
    for (const call of callsIn(c, decl, env)) {
      counts.set(call.key, (counts.get(call.key) ?? 0) + 1);
      if (!seen.has(call.key)) seen.add(call.key), work.push({ decl: call.callee, env: call.env });
    }
  }
  return counts;
}
