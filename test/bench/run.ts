// `npm run bench`: runs every test/bench/*.bench.ts (or those named on the command line) and
// prints one table per bench. Figures only, never pass/fail: the machine is shared and noisy, so
// each bench compares its contenders side by side in the same run and prints the ratios.

import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** One row of a bench's table: a label and named figures, already formatted with units. */
export interface BenchRow {
  label: string;
  figures: Record<string, string>;
}

export interface BenchResult {
  title: string;
  rows: BenchRow[];
  /** Targets and verdicts, e.g. "target < 3 s: met (1.21 s)". */
  notes?: string[];
}

export type Bench = () => Promise<BenchResult>;

export function formatTable(r: BenchResult): string {
  const cols = [...new Set(r.rows.flatMap((row) => Object.keys(row.figures)))];
  const header = ['', ...cols];
  const body = r.rows.map((row) => [row.label, ...cols.map((c) => row.figures[c] ?? '')]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  return [
    `## ${r.title}`,
    '',
    line(header),
    '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|',
    ...body.map(line),
    ...(r.notes?.length ? ['', ...r.notes.map((n) => `- ${n}`)] : []),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const dir = dirname(fileURLToPath(import.meta.url));
  const wanted = process.argv.slice(2);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
    .sort();
  if (files.length === 0) {
    console.log(wanted.length ? `no bench matches ${wanted.join(', ')}` : 'no benches yet');
    return;
  }
  let failed = 0;
  for (const f of files) {
    process.stderr.write(`bench: ${f} ...\n`);
    try {
      const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default: Bench };
      console.log(formatTable(await mod.default()));
    } catch (e) {
      failed++;
      console.log(`## ${f}\n\nfailed: ${(e as Error).stack ?? e}\n`);
    }
  }
  if (failed) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) await main();
