// The kernel as the oracle for whole objects, loaded as a user's libbpf program loads them (BTF,
// func_info, .rodata frozen, the object's license, libbpf's linking): libbpf-oracle.c, built with
// the system's cc and libbpf-dev at first use and cached per source. Needs CAP_BPF to run.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readBpfObject } from '../format/elf-read.ts';
import type { KernelVerdict } from './kernel.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** One program of the object as libbpf loaded it. */
export interface LibbpfVerdict extends KernelVerdict {
  /** The program's (function) name, as libbpf names it. */
  name: string;
  section: string;
  /** `error`: the load failed before the verifier ran (a relocation, a map): see `libbpfLog`. */
  verdict: 'accept' | 'reject' | 'error';
  /** libbpf's own warnings for this load. */
  libbpfLog: string;
}

export class LibbpfOracleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LibbpfOracleError';
  }
}

/** The C source: beside this module in the repository, or under verifier/ next to the bundle. */
function sourcePath(): string {
  for (const p of [join(here, 'libbpf-oracle.c'), join(here, '..', 'verifier', 'libbpf-oracle.c')]) if (existsSync(p)) return p;
  throw new LibbpfOracleError(`build the libbpf oracle: libbpf-oracle.c not found beside ${here}`);
}

let built: string | undefined;

/**
 * The loader binary, compiled once per source text (and per user: the cache is in the temporary
 * directory). Parallel callers each build under a private name and rename into place.
 */
export function libbpfOraclePath(): string {
  if (built) return built;
  const src = sourcePath();
  const text = readFileSync(src);
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), `switchyard-libbpf-oracle-${process.getuid?.() ?? 0}`);
  const bin = join(dir, `libbpf-oracle-${hash}`);
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    const tmp = `${bin}.${process.pid}.tmp`;
    const cc = spawnSync('cc', ['-O2', '-Wall', '-o', tmp, src, '-lbpf'], { encoding: 'utf8' });
    if (cc.error || cc.status !== 0) {
      rmSync(tmp, { force: true });
      const why = cc.error ? `cc: ${cc.error.message}` : cc.stderr.trim().split('\n').slice(-3).join('\n');
      throw new LibbpfOracleError(
        `build the libbpf oracle (${src}): ${why}\nit needs a C compiler and libbpf's headers and library: apt-get install gcc libbpf-dev`,
      );
    }
    renameSync(tmp, bin);
  }
  built = bin;
  return bin;
}

/** Why the oracle cannot be built here, or undefined when it can. */
export function libbpfOracleUnavailableReason(): string | undefined {
  try {
    libbpfOraclePath();
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/\n/g, '; ');
  }
}

function lastReason(log: string): string {
  const lines = log.trimEnd().split('\n').filter((l) => l.trim() !== '');
  return lines.findLast((l) => !/^processed \d+ insns|^verification time|^stack depth/.test(l)) ?? '';
}

/**
 * Program types from our section table, for the loader to use only where its libbpf does not
 * know a section name (Debian 12's libbpf 1.1 predates tcx/). An unreadable object gets none:
 * libbpf then says itself what is wrong with it.
 */
function typeHints(path: string): string[] {
  let programs;
  try {
    programs = readBpfObject(new Uint8Array(readFileSync(path)), path).programs;
  } catch {
    return [];
  }
  return programs.flatMap((p) => (p.role === 'entry' && p.kind ? ['--type', `${p.name}=${p.kind.progType}:${p.kind.attachType}`] : []));
}

interface Line {
  name: string;
  section: string;
  verdict: 'accept' | 'reject' | 'error';
  errno: string;
  log: string;
  libbpf: string;
}

/**
 * Loads every program of the object at `path` into this kernel, each on its own, through
 * libbpf; never throws for a refusal, only when the loader cannot be built or the object
 * cannot be opened.
 */
export function libbpfVerify(path: string, options: { strictAlignment?: boolean } = {}): LibbpfVerdict[] {
  const bin = libbpfOraclePath();
  let out: string;
  try {
    out = execFileSync(bin, [...(options.strictAlignment ? ['--strict'] : []), ...typeHints(path), path], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new LibbpfOracleError(`load ${path} with libbpf: ${(err.stderr ?? '').trim() || err.message}`);
  }
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const j = JSON.parse(l) as Line;
      const accepted = j.verdict === 'accept';
      const usec = j.log.match(/verification time (\d+) usec/);
      const processed = j.log.match(/processed (\d+) insns/);
      const libbpfReason = lastReason(j.libbpf.replace(/^libbpf: /gm, ''));
      return {
        name: j.name,
        section: j.section,
        verdict: j.verdict,
        accepted,
        log: j.log,
        libbpfLog: j.libbpf,
        reason: accepted ? '' : (j.verdict === 'reject' ? lastReason(j.log) : '') || libbpfReason || `load failed: ${j.errno}`,
        usec: usec ? Number(usec[1]) : undefined,
        processed: processed ? Number(processed[1]) : undefined,
        errno: j.errno || undefined,
      };
    });
}
