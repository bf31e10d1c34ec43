// The clang corpus (test/verifier/clang-corpus/<family>/<name>.c): C programs as users write
// them, each with the kernel's verdict in its header, built with Debian's clang, loaded through
// the libbpf-style oracle and checked by the WebAssembly verifier. Shared by the corpus test
// and the differential report.
//
// A file starts with comment lines:
//   // expect: accept            or   // expect: reject: <substring of the kernel's message>
//   // cflags: -mcpu=v4          (optional; default -O2 -g -target bpf -mcpu=v3)
//   // why: <one sentence>

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { libbpfVerify, type LibbpfVerdict } from '../../verifier/libbpf-oracle.ts';
import type { VerifyInput } from '../../verifier/input.ts';
import { inputsFromElf } from '../../verifier/object-input.ts';
import type { Verdict } from '../../verifier/verdict.ts';
import type { WasmVerifier } from '../../verifier/verifier.ts';

export const clangCorpusDir = join(dirname(fileURLToPath(import.meta.url)), 'clang-corpus');
export const knownFalseAlarmsPath = join(clangCorpusDir, 'known-false-alarms.txt');

const DEFAULT_CFLAGS = ['-O2', '-g', '-target', 'bpf', '-mcpu=v3'];

export interface CorpusFile {
  /** `family/name`. */
  id: string;
  family: string;
  path: string;
  expect: 'accept' | 'reject';
  /** For a rejection: a substring of the kernel's message. */
  message?: string;
  /** Flags added after the defaults (a later -mcpu wins). */
  cflags: string[];
  why: string;
}

/** Every corpus file with its header; a malformed header throws, naming the file. */
export function loadClangCorpus(): CorpusFile[] {
  const out: CorpusFile[] = [];
  for (const family of readdirSync(clangCorpusDir, { withFileTypes: true })) {
    if (!family.isDirectory() || family.name === 'include') continue;
    for (const f of readdirSync(join(clangCorpusDir, family.name)).sort()) {
      if (!f.endsWith('.c')) continue;
      const path = join(clangCorpusDir, family.name, f);
      const header = readFileSync(path, 'utf8').split('\n').filter((l) => l.startsWith('//'));
      const field = (k: string): string | undefined => header.find((l) => l.startsWith(`// ${k}:`))?.slice(k.length + 4).trim();
      const expect = field('expect');
      const id = `${family.name}/${f.replace(/\.c$/, '')}`;
      if (!expect || !/^(accept|reject: .+)$/.test(expect)) throw new Error(`${path}: needs "// expect: accept" or "// expect: reject: <message>"`);
      const why = field('why');
      if (!why) throw new Error(`${path}: needs "// why: <one sentence>"`);
      out.push({
        id,
        family: family.name,
        path,
        expect: expect === 'accept' ? 'accept' : 'reject',
        ...(expect === 'accept' ? {} : { message: expect.slice('reject: '.length) }),
        cflags: field('cflags')?.split(/\s+/).filter(Boolean) ?? [],
        why,
      });
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** Why the corpus cannot be compiled here, or undefined. */
export function corpusClangUnavailableReason(): string | undefined {
  const r = spawnSync('clang', ['--version'], { stdio: 'ignore' });
  return r.error || r.status !== 0 ? 'needs clang (Debian package clang)' : undefined;
}

export type Built = { ok: true; object: string } | { ok: false; skip: string };

let buildDir: string | undefined;

/**
 * The newer clang Debian packages beside its default one (bookworm's clang is 14), tried in turn
 * for a flag the default does not know: -mcpu=v4 (sign-extending loads) needs clang 18.
 */
const CLANGS = ['clang', 'clang-19', 'clang-18'];

const clangByFlags = new Map<string, { clang?: string; why?: string }>();

/** The first installed clang that knows `cflags`, or why none does. */
export function clangFor(cflags: string[]): { clang?: string; why?: string } {
  const key = cflags.join(' ');
  let found = clangByFlags.get(key);
  if (!found) {
    found = { why: 'needs clang (Debian package clang)' };
    for (const clang of CLANGS) {
      const r = spawnSync(clang, ['-target', 'bpf', ...cflags, '-c', '-x', 'c', '/dev/null', '-o', '/dev/null'], { encoding: 'utf8' });
      if (r.error) continue; // not installed
      if (r.status === 0) {
        found = { clang };
        break;
      }
      found = { why: `no installed clang can build ${key} (apt-get install clang-19): ${(r.stderr ?? '').split('\n')[0]}` };
    }
    clangByFlags.set(key, found);
  }
  return found;
}

/**
 * Compiles one corpus file into a per-process temporary directory, with the first clang that
 * knows its flags. Flags no installed clang knows are a skip with the reason; errors throw.
 */
export function buildCorpusFile(c: CorpusFile): Built {
  buildDir ??= mkdtempSync(join(tmpdir(), 'sy-clang-corpus-'));
  const object = join(buildDir, `${c.id.replace('/', '--')}.o`);
  if (existsSync(object)) return { ok: true, object };
  const { clang, why } = clangFor(c.cflags);
  if (!clang) return { ok: false, skip: why! };
  const r = spawnSync(clang, [...DEFAULT_CFLAGS, ...c.cflags, '-I/usr/include/x86_64-linux-gnu', '-c', c.path, '-o', object], { encoding: 'utf8' });
  if (r.status === 0) return { ok: true, object };
  throw new Error(`${clang} ${c.path}: ${(r.stderr ?? '').trim()}`);
}

/** Removes this process's build directory (tests call it on exit). */
export function removeCorpusBuilds(): void {
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  buildDir = undefined;
}

/** One program of a corpus object, both verdicts. */
export interface ProgramResult {
  program: string;
  kernel: LibbpfVerdict;
  /** Ours; `unsupported` also stands for an object our reader cannot turn into inputs. */
  ours: Verdict;
  input?: VerifyInput;
}

function unreadable(message: string): Verdict {
  return { ok: false, kind: 'unsupported', message, insn: -1, processed: 0, states: 0, peakStates: 0, stackDepth: 0, walks: 0, decidedBranches: 0 };
}

/** Loads the object through the oracle and our verifier; one result per program libbpf sees. */
export function checkObject(v: WasmVerifier, object: string, id: string, strictAlignment: boolean): ProgramResult[] {
  const kernel = libbpfVerify(object, { strictAlignment });
  let inputs: VerifyInput[] = [];
  let readError: string | undefined;
  try {
    inputs = inputsFromElf(new Uint8Array(readFileSync(object)), `${id}.o`, strictAlignment);
  } catch (e) {
    readError = (e as Error).message;
  }
  return kernel.map((k) => {
    const input = inputs.find((i) => i.name === `${k.section}/${k.name}`);
    const ours = input ? v.verify(input) : unreadable(readError ?? `program ${k.name} not found by the object reader`);
    return { program: k.name, kernel: k, ours, ...(input ? { input } : {}) };
  });
}

/** `family/name: reason` lines; `#` comments and blank lines ignored. */
export function loadKnownFalseAlarms(): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(knownFalseAlarmsPath)) return out;
  for (const line of readFileSync(knownFalseAlarmsPath, 'utf8').split('\n')) {
    const l = line.trim();
    if (!l || l.startsWith('#')) continue;
    const at = l.indexOf(':');
    out.set(at < 0 ? l : l.slice(0, at).trim(), at < 0 ? '' : l.slice(at + 1).trim());
  }
  return out;
}

/** The kernel's full text for a substring check: the verifier log, then libbpf's messages. */
export function kernelText(k: LibbpfVerdict): string {
  return `${k.log}\n${k.libbpfLog}`;
}
