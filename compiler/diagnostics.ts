// Diagnostics are data: a stable code, a message and a source range, collected per stage and
// shown all at once. Every stage defines its codes with `defineCodes` in its own `codes.ts`.

import { printable } from '../format/printable.ts';

export type Severity = 'error' | 'warning' | 'note';

/** A place in an input file; lines and columns count from 1. */
export interface SourceRange {
  file: string;
  line: number;
  col: number;
  endLine?: number;
  endCol?: number;
}

export interface Diagnostic {
  /** Stable code, `SY` and four digits: SY1xxx spec, SY2xxx model/plan, SY3xxx BPF-TS,
   *  SY4xxx BPF backend and emit, SY5xxx verifier. */
  code: string;
  severity: Severity;
  message: string;
  range?: SourceRange;
  /** Extra lines shown under the message (a did-you-mean, the other definition, ...). */
  notes?: string[];
}

/** What a code means, kept as data so that docs and tests can list every code. */
export interface CodeInfo {
  code: string;
  severity: Severity;
  title: string;
}

const registry = new Map<string, CodeInfo>();

/**
 * Registers a stage's codes; a code defined twice is a programming error caught at import time.
 * Returns the table so that stages write `codes.SY1001` rather than bare strings.
 */
export function defineCodes<const T extends Record<string, { severity: Severity; title: string }>>(
  table: T,
): { [K in keyof T]: CodeInfo } {
  const out = {} as { [K in keyof T]: CodeInfo };
  for (const [code, info] of Object.entries(table)) {
    if (!/^SY\d{4}$/.test(code)) throw new Error(`diagnostic code ${code}: must be SY and four digits`);
    if (registry.has(code)) throw new Error(`diagnostic code ${code} is defined twice`);
    const entry = { code, ...info };
    registry.set(code, entry);
    (out as Record<string, CodeInfo>)[code] = entry;
  }
  return out;
}

export function allCodes(): CodeInfo[] {
  return [...registry.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/** Collects diagnostics for one run; never throws on the first problem. */
export class Diagnostics {
  readonly items: Diagnostic[] = [];

  report(info: CodeInfo, message: string, range?: SourceRange, notes?: string[]): void {
    this.items.push({ code: info.code, severity: info.severity, message, range, notes });
  }

  add(d: Diagnostic): void {
    this.items.push(d);
  }

  addAll(ds: Iterable<Diagnostic>): void {
    for (const d of ds) this.items.push(d);
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }

  /** Sorted by file, line, column, then code, so output is stable whatever the order found. */
  sorted(): Diagnostic[] {
    return [...this.items].sort(compareDiagnostics);
  }
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const fa = a.range?.file ?? '';
  const fb = b.range?.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  const la = a.range?.line ?? 0;
  const lb = b.range?.line ?? 0;
  if (la !== lb) return la - lb;
  const ca = a.range?.col ?? 0;
  const cb = b.range?.col ?? 0;
  if (ca !== cb) return ca - cb;
  return a.code.localeCompare(b.code);
}

/** `path:line:col: error SY1001: message`, then indented notes; control characters that file
 *  names and spec text may hold print escaped, so each diagnostic stays its own lines. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.range ? `${printable(d.range.file)}:${d.range.line}:${d.range.col}: ` : '';
  const head = `${where}${d.severity} ${d.code}: ${printable(d.message)}`;
  return d.notes?.length ? [head, ...d.notes.map((n) => `  ${printable(n)}`)].join('\n') : head;
}

/** Thrown by a stage that cannot go on; carries everything collected so far. */
export class DiagnosticError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'DiagnosticError';
  }
}
