// Our objects disassemble with LLVM 14's llvm-objdump, and for the same bytes our text is what
// it prints, instruction by instruction. Where LLVM 14 prints something else, the difference is
// one of the rules in `asLlvm14` below, each a known limit of LLVM 14, nothing else.

import type { ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from '../../compiler/bpf/decode.ts';
import { buildObject } from '../../compiler/bpf/object.ts';
import { formatInsn } from '../../compiler/bpf/syntax.ts';
import { readBpfObject } from '../../format/elf-read.ts';
import { everyInsn } from './every-insn.ts';
import { sampleObject } from './fixtures/sample-object.ts';
import { gatedTest } from '../helpers/kernel.ts';
import { onPath, toolsUnavailableReason } from '../helpers/tools.ts';

const OBJDUMP = ['llvm-objdump-14', 'llvm-objdump'].find((tool) => onPath(tool) && /LLVM version 14\./.test(execFileSync(tool, ['--version'], { encoding: 'utf8' })));
// Debian's llvm package is LLVM 14 on bookworm; another release needs llvm-14 beside it.
const why = toolsUnavailableReason(['llvm-objdump']) ?? (OBJDUMP ? undefined : "needs LLVM 14's llvm-objdump (Debian package llvm-14)");

/**
 * What LLVM 14 prints for the instruction we print as `ours`:
 * - instructions it does not know print `<unknown>`: store of an immediate (ST), sign-extending
 *   loads (MEMSX), JSET, MOD and signed MOD, the unconditional byte swap (ALU64|END) and gotol;
 * - it ignores the `off` field of ALU instructions, so signed division prints as unsigned and a
 *   sign-extending move as a plain one;
 * - it ignores the immediate of a legacy indirect packet load (`skb[r1 + 2]` prints `skb[r1]`).
 */
function asLlvm14(ours: string): string {
  if (/^\*\(u\d+ \*\)\(r\d+ [+-] \d+\) = -?\d+$/.test(ours)) return '<unknown>';
  if (/= \*\(s\d+ \*\)/.test(ours)) return '<unknown>';
  if (/^if [rw]\d+ & /.test(ours)) return '<unknown>';
  if (/ s?%= /.test(ours)) return '<unknown>';
  if (/= bswap\d+ /.test(ours)) return '<unknown>';
  if (/^gotol /.test(ours)) return '<unknown>';
  return ours
    .replace(/ s\/= /, ' /= ')
    .replace(/= \(s\d+\)/, '= ')
    .replace(/skb\[(r\d+) [+-] \d+\]/, 'skb[$1]');
}

interface Line {
  slot: number;
  text: string;
  relocation?: string;
}

/** llvm-objdump -dr's instructions per section: slot, text (symbolised targets dropped), relocation. */
function objdump(path: string): Map<string, Line[]> {
  const out = execFileSync(OBJDUMP!, ['-dr', '--mattr=+alu32', path], { encoding: 'utf8' });
  const sections = new Map<string, Line[]>();
  let current: Line[] = [];
  for (const raw of out.split('\n')) {
    const section = /^Disassembly of section (.+):$/.exec(raw);
    if (section) sections.set(section[1]!, (current = []));
    const insn = /^\s*(\d+):\t[0-9a-f]{2}(?: [0-9a-f]{2})*\s*\t(.*)$/.exec(raw);
    if (insn) current.push({ slot: Number(insn[1]), text: insn[2]!.replace(/\s+/g, ' ').replace(/ <[^<>]+>$/, '').trim() });
    const reloc = /^\s+[0-9a-f]+:\s+(R_BPF_\w+)\s+(\S+)$/.exec(raw);
    if (reloc) current[current.length - 1]!.relocation = `${reloc[1]} ${reloc[2]}`;
  }
  return sections;
}

const withTool = (title: string, impl: (t: ExecutionContext) => void) => gatedTest(title, impl, 'tools', why);

function tempFile(t: { teardown: (f: () => void) => void }, name: string, bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-objdump-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

withTool('every instruction form prints as llvm-objdump 14 prints it', (t) => {
  const built = buildObject({ programs: [{ name: 'every', section: 'xdp', items: everyInsn() }] });
  const lines = objdump(tempFile(t, 'every.o', built.elf)).get('xdp')!;
  const ours = decode(readBpfObject(built.elf).programs[0]!.insns);
  t.is(lines.length, ours.length, 'one llvm line per instruction');
  let slot = 0;
  let unknown = 0;
  ours.forEach((insn, k) => {
    const line = lines[k]!;
    t.is(line.slot, slot);
    const mine = formatInsn(insn);
    t.is(asLlvm14(mine), line.text, `slot ${slot}: ours "${mine}"`);
    if (line.text === '<unknown>') unknown++;
    slot += insn.imm64 === undefined ? 1 : 2;
  });
  t.log(`${ours.length} instructions; ${unknown} that LLVM 14 cannot print`);
});

withTool('our relocated object disassembles with the relocations on the right instructions', (t) => {
  const built = buildObject(sampleObject);
  const sections = objdump(tempFile(t, 'sample.o', built.elf));
  t.deepEqual([...sections.keys()], ['.text', 'xdp', 'tc', 'cgroup/connect4', 'cgroup/sendmsg6', 'cgroup/sock_release']);
  const xdp = sections.get('xdp')!;
  t.deepEqual(
    xdp.filter((l) => l.relocation).map((l) => [l.slot, l.text, l.relocation]),
    [
      [4, 'r1 = 0 ll', 'R_BPF_64_64 services'],
      [8, 'call -1', 'R_BPF_64_32 .text'],
    ],
  );
  const mine = built.functions.find((f) => f.name === 'xdp_lb')!.encoded.insns.map((i) => formatInsn(i));
  t.deepEqual(xdp.filter((l) => !l.relocation).map((l) => l.text), mine.filter((_, k) => k !== 4 && k !== 7).map(asLlvm14));
});
