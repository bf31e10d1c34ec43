// What a spawned command costs, as the user's shell would see it: wall time, CPU time of the
// process and everything it waited for, peak RSS. Measured by rusage.c (built once per bench
// with the host's C compiler) so that the figures are the child's own and not the bench's.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export interface ChildUsage {
  wallMs: number;
  /** user + system CPU time. */
  cpuMs: number;
  maxRssMiB: number;
  /** Stopped at the run's CPU-time limit: the figures are a lower bound. */
  timedOut?: boolean;
  stdout: string;
  stderr: string;
}

/** The sum of several commands' costs (peak RSS: the largest), as one step of a user's path. */
export function addUsage(...parts: ChildUsage[]): ChildUsage {
  return {
    wallMs: parts.reduce((s, p) => s + p.wallMs, 0),
    cpuMs: parts.reduce((s, p) => s + p.cpuMs, 0),
    maxRssMiB: Math.max(...parts.map((p) => p.maxRssMiB)),
    timedOut: parts.some((p) => p.timedOut),
    stdout: parts.map((p) => p.stdout).join(''),
    stderr: parts.map((p) => p.stderr).join(''),
  };
}

export interface UsageMeter {
  /**
   * Runs argv to completion, or until it has used limitS seconds of CPU time (then stopped,
   * timedOut set); throws, with its stderr, when it fails otherwise (unless allowFailure).
   */
  run(argv: readonly string[], o?: { input?: string; cwd?: string; allowFailure?: boolean; limitS?: number }): ChildUsage;
  dispose(): void;
}

export function usageMeter(): UsageMeter {
  const dir = mkdtempSync(join(tmpdir(), 'sy-bench-rusage-'));
  const bin = join(dir, 'rusage');
  execFileSync(process.env.CC ?? 'cc', ['-O2', '-o', bin, join(here, 'rusage.c')]);
  const report = join(dir, 'report');
  return {
    run(argv, o = {}) {
      const r = spawnSync(bin, [report, String(o.limitS ?? 0), ...argv], { encoding: 'utf8', input: o.input, cwd: o.cwd, maxBuffer: 1 << 30 });
      const [wall, user, sys, rss, timedOut] = readFileSync(report, 'utf8').trim().split(' ').map(Number) as [number, number, number, number, number];
      if (r.status !== 0 && !o.allowFailure && !timedOut) throw new Error(`${argv.join(' ')}: exit ${r.status ?? r.signal}: ${(r.stderr || r.stdout).slice(0, 2000)}`);
      return { wallMs: wall / 1000, cpuMs: (user + sys) / 1000, maxRssMiB: rss / 1024, timedOut: timedOut === 1, stdout: r.stdout, stderr: r.stderr };
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
