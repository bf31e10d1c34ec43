// `switchyard verify PATH...`: the WebAssembly verifier on BPF objects — a generated/ directory
// (every *.o under it, strict alignment by default) or any object following libbpf's conventions
// (clang's too). With --kernel each program also goes to this kernel, verdicts side by side.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../diagnostics.ts';
import { codes, verdictDiagnostic } from '../../verifier/codes.ts';
import type { VerifyInput } from '../../verifier/input.ts';
import type { KernelVerdict } from '../../verifier/kernel.ts';
import { inputsFromElf } from '../../verifier/object-input.ts';
import { formatVerdict, type Verdict } from '../../verifier/verdict.ts';
import { loadVerifier } from '../../verifier/verifier.ts';
import { MANIFEST_FILE } from '../../format/manifest.ts';
import { EXIT, type CliIO, type Command } from './command.ts';
import { userPath } from './spec-paths.ts';

interface Target {
  /** As the user should read it: relative to the working directory. */
  label: string;
  path: string;
  strict: boolean;
}

/** The objects PATH names: itself, or every *.o below a directory (strict under generated output). */
function targets(io: CliIO, arg: string, strictFlag: boolean): Target[] | string {
  const p = userPath(io.cwd, arg);
  if (!existsSync(p)) return `${arg} does not exist; give a BPF object (.o) or a directory of them (generated/)`;
  if (!statSync(p).isDirectory()) return [{ label: relative(io.cwd, p) || arg, path: p, strict: strictFlag }];
  const out: Target[] = [];
  const walk = (dir: string, generated: boolean): void => {
    const gen = generated || existsSync(join(dir, MANIFEST_FILE));
    for (const name of readdirSync(dir).sort()) {
      const q = join(dir, name);
      if (statSync(q).isDirectory()) walk(q, gen);
      else if (name.endsWith('.o')) out.push({ label: relative(io.cwd, q), path: q, strict: strictFlag || gen });
    }
  };
  walk(p, false);
  if (!out.length) return `${arg}: no BPF objects (*.o) in it`;
  return out;
}

interface Row {
  object: string;
  program: string;
  strictAlignment: boolean;
  verdict: Verdict;
  kernel?: { accepted: boolean; reason: string; usec?: number; processed?: number };
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check BPF objects with the WebAssembly verifier (and, with --kernel, this kernel)',
  usage: 'switchyard verify PATH... [--strict-alignment] [--kernel] [--json]',
  description: `
PATH is a BPF ELF object following libbpf's conventions (Switchyard's or clang's), or a
directory: every *.o below it. Each entry program is verified as the kernel would at load time,
with its maps, its subprograms and its program and attach type from the section name. Objects
under a generated cluster directory (one with manifest.json) are checked with strict alignment,
as Switchyard loads them; --strict-alignment asks for it everywhere. --kernel also loads each
program into this kernel through libbpf, as a user's loader would (BTF and func_info, .rodata
frozen, the object's license; needs CAP_BPF, gcc and libbpf-dev to build the loader at first
use), and prints both verdicts side by side. Refusals print as
diagnostics at the source line of the failing instruction when the object has line info.
Exit code 0 when every program passes, 1 when one is refused, 2 when an object cannot be read.`,
  options: [
    { name: 'strict-alignment', help: 'check alignment as BPF_F_STRICT_ALIGNMENT does (NET_IP_ALIGN = 2)' },
    { name: 'kernel', help: 'also load each program into this kernel and compare the verdicts' },
    { name: 'json', help: 'print one JSON document with every verdict instead of text' },
  ],
  minPositionals: 1,
  async run(args, io) {
    const strict = args.options['strict-alignment'] === true;
    const json = args.options.json === true;
    const withKernel = args.options.kernel === true;
    const diags: Diagnostic[] = [];
    const all: Target[] = [];
    for (const a of args.positionals) {
      const t = targets(io, a, strict);
      if (typeof t === 'string') diags.push({ code: codes.SY5010.code, severity: 'error', message: t });
      else for (const x of t) all.push(x);
    }
    // The kernel sees each object as a user's libbpf load would (BTF, func_info, .rodata frozen,
    // the object's license): the side-by-side verdict means what that load means.
    const oracle = withKernel ? await import('../../verifier/libbpf-oracle.ts') : undefined;
    if (oracle) {
      const why = oracle.libbpfOracleUnavailableReason();
      if (why) {
        io.stderr.write(`${formatDiagnostic({ code: codes.SY5012.code, severity: 'error', message: why })}\n`);
        return EXIT.error;
      }
    }
    const v = await loadVerifier();
    const rows: Row[] = [];
    for (const t of all) {
      let inputs: VerifyInput[];
      try {
        inputs = inputsFromElf(new Uint8Array(readFileSync(t.path)), t.label, t.strict);
      } catch (e) {
        diags.push({ code: codes.SY5010.code, severity: 'error', message: `${t.label}: ${(e as Error).message}`, notes: ['is it a BPF ELF object (clang -target bpf)?'] });
        continue;
      }
      let kernelVerdicts: Map<string, KernelVerdict> | undefined;
      if (oracle) {
        try {
          kernelVerdicts = new Map(oracle.libbpfVerify(t.path, { strictAlignment: t.strict }).map((k) => [`${k.section}/${k.name}`, k]));
        } catch (e) {
          diags.push({ code: codes.SY5012.code, severity: 'error', message: `${t.label}: ${(e as Error).message}` });
        }
      }
      for (const input of inputs) {
        const verdict = v.verify(input);
        const row: Row = { object: t.label, program: input.name, strictAlignment: input.strictAlignment, verdict };
        // A program libbpf did not list (a section it cannot place) counts as not loaded.
        const k = kernelVerdicts && (kernelVerdicts.get(input.name) ?? { accepted: false, reason: 'libbpf did not find this program in the object', log: '' });
        if (k) {
          row.kernel = { accepted: k.accepted, reason: k.reason, usec: k.usec, processed: k.processed };
          if (k.accepted !== verdict.ok) {
            diags.push({
              code: codes.SY5011.code,
              severity: 'warning',
              message: `program ${input.name} (${t.label}): the kernel ${k.accepted ? 'accepts' : `refuses (${k.reason})`}, the WebAssembly verifier ${verdict.ok ? 'accepts' : 'refuses'}`,
              notes: [k.accepted ? 'a false alarm: worth a corpus case in test/verifier/corpus/' : 'an unsound accept: please report it with the object'],
            });
          }
        }
        const d = verdictDiagnostic(input, verdict, t.label);
        if (d) diags.push(d);
        rows.push(row);
      }
    }
    const refused = rows.filter((r) => !r.verdict.ok).length;
    const unreadable = diags.some((d) => d.code === codes.SY5010.code || d.code === codes.SY5012.code);
    if (json) {
      io.stdout.write(JSON.stringify({ programs: rows, diagnostics: diags }, null, 2) + '\n');
    } else {
      for (const r of rows) {
        const mark = r.verdict.ok ? 'ok  ' : 'FAIL';
        const k = r.kernel ? ` | kernel: ${r.kernel.accepted ? 'accepts' : `refuses: ${r.kernel.reason}`}${r.kernel.usec !== undefined ? ` (${r.kernel.usec} us)` : ''}` : '';
        io.stdout.write(`${mark} ${r.object} ${r.program}${r.strictAlignment ? ' [strict]' : ''}: ${formatVerdict(r.verdict)}${k}\n`);
      }
      for (const d of diags) io.stderr.write(`${formatDiagnostic(d)}\n`);
      io.stdout.write(`${rows.length} program${rows.length === 1 ? '' : 's'} verified, ${refused} refused\n`);
    }
    if (unreadable) return EXIT.error;
    return refused ? EXIT.negative : EXIT.ok;
  },
};
