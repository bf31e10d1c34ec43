// The hand-written verifier corpus: `test/verifier/corpus/*.cases`, one file per rule, each case
// a titled program in kernel-log assembly with the kernel's verdict written beside it.
//
//   == packet read after a data_end check          title (unique in the file)
//   type xdp                                        program type [attach type]
//   map backends hash key=4 value=8 entries=16      maps, referenced as map[backends]
//   map ro array value=8 flags=128 contents=08000000  a frozen read-only map (.rodata), hex value
//   global f scalar mem:8                           label f is a global function (BTF func info)
//   strict                                          load with BPF_F_STRICT_ALIGNMENT
//   expect reject invalid access to packet          the kernel's verdict [and our message]
//     r2 = *(u32 *)(r1 +0)                           the program, indented; labels
//   out:                                            (`name:`) may start at column 0
//     ...

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode } from '../../compiler/bpf/encode.ts';
import type { MapDesc, VerifyInput } from '../../verifier/input.ts';
import { attachTypes, mapTypes, progTypes } from '../../verifier/names.ts';
import { caseBtf, takesFunc, type GlobalDecl } from './corpus-btf.ts';
import { parseAsm } from './text-asm.ts';

export interface Case {
  /** `file.cases: title`, unique across the corpus. */
  id: string;
  file: string;
  line: number;
  title: string;
  input: VerifyInput;
  expect: 'accept' | 'reject';
  /** A substring our verifier's message must contain, when the case names one. */
  message?: string;
  /** The assembly text, for reports. */
  source: string;
}

export const corpusDir = join(dirname(fileURLToPath(import.meta.url)), 'corpus');

class CorpusError extends Error {}

function parseMap(words: string[], where: string, known: string[]): MapDesc {
  const [name, type, ...rest] = words;
  if (!name || !type || mapTypes[type] === undefined) throw new CorpusError(`${where}: map NAME TYPE key=.. value=.. entries=..`);
  const kv = Object.fromEntries(rest.map((w) => w.split('=') as [string, string]));
  const m: MapDesc = {
    name,
    type: mapTypes[type]!,
    keySize: Number(kv.key ?? 4),
    valueSize: Number(kv.value ?? 8),
    maxEntries: Number(kv.entries ?? 1),
  };
  if (kv.flags) m.flags = Number(kv.flags);
  if (kv.contents) m.contents = Uint8Array.from(Buffer.from(kv.contents, 'hex'));
  if (kv.inner) {
    const idx = known.indexOf(kv.inner);
    if (idx < 0) throw new CorpusError(`${where}: inner map ${kv.inner} must be declared first`);
    m.inner = idx;
  }
  return m;
}

/** Parses one .cases file. */
export function parseCases(file: string, text: string): Case[] {
  const out: Case[] = [];
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    const head = lines[i]!;
    if (!head.startsWith('== ')) {
      i++;
      continue;
    }
    const title = head.slice(3).trim();
    const start = i + 1;
    const where = `${file}:${start}`;
    let type: number | undefined;
    let attach = 0;
    let strict = false;
    let expect: 'accept' | 'reject' | undefined;
    let message: string | undefined;
    const maps: MapDesc[] = [];
    const globals: GlobalDecl[] = [];
    const body: string[] = [];
    let bodyLine = 0;
    for (i++; i < lines.length && !lines[i]!.startsWith('== '); i++) {
      const line = lines[i]!;
      if ((/^\s/.test(line) && line.trim() !== '') || /^[A-Za-z_.][\w.]*:\s*$/.test(line)) {
        if (!bodyLine) bodyLine = i + 1;
        body.push(line);
        continue;
      }
      if (bodyLine && line.trim() === '') {
        body.push('');
        continue;
      }
      const words = line.trim().split(/\s+/);
      switch (words[0]) {
        case '':
        case '#':
          break;
        case 'type':
          type = progTypes[words[1]!];
          if (type === undefined) throw new CorpusError(`${where}: unknown program type ${words[1]}`);
          if (words[2]) {
            const at = attachTypes[words[2]];
            if (at === undefined) throw new CorpusError(`${where}: unknown attach type ${words[2]}`);
            attach = at;
          }
          break;
        case 'map':
          maps.push(parseMap(words.slice(1), where, maps.map((m) => m.name)));
          break;
        case 'strict':
          strict = true;
          break;
        case 'global': {
          const [, label, ...rest] = words;
          if (!label) throw new CorpusError(`${where}: global LABEL [void] ARG...`);
          const returns = rest[0] === 'void' ? 'void' : 'scalar';
          globals.push({ label, returns, args: returns === 'void' ? rest.slice(1) : rest });
          break;
        }
        case 'expect':
          if (words[1] !== 'accept' && words[1] !== 'reject') throw new CorpusError(`${where}: expect accept|reject`);
          expect = words[1];
          message = words.slice(2).join(' ') || undefined;
          break;
        default:
          if (!words[0]!.startsWith('#')) throw new CorpusError(`${file}:${i + 1}: cannot read "${line.trim()}"`);
      }
    }
    if (type === undefined || expect === undefined) throw new CorpusError(`${where}: a case needs type and expect`);
    const source = body.join('\n').trimEnd();
    const enc = encode(parseAsm(source, bodyLine), { maps: Object.fromEntries(maps.map((m, k) => [m.name, k])) });
    out.push({
      id: `${file}: ${title}`,
      file,
      line: start,
      title,
      expect,
      message,
      source,
      input: {
        name: title,
        progType: type,
        attachType: attach,
        insns: enc.bytes,
        maps,
        strictAlignment: strict,
        // The kernel wants func info for global functions and for callbacks (`rN = func f ll`).
        ...(globals.length || takesFunc(enc.bytes) ? caseBtf(type, enc.bytes, enc.labels, globals, where) : {}),
      },
    });
  }
  const seen = new Set<string>();
  for (const c of out) {
    if (seen.has(c.title)) throw new CorpusError(`${file}:${c.line}: title "${c.title}" is used twice`);
    seen.add(c.title);
  }
  return out;
}

/** Every case of the corpus, files in name order. */
export function loadCorpus(dir = corpusDir): Case[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cases'))
    .sort()
    .flatMap((f) => parseCases(f, readFileSync(join(dir, f), 'utf8')));
}
