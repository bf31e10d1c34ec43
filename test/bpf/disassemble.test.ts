// The disassembler names what relocations and jumps refer to, in any object: clang's (golden
// listing fixtures/clang-lb.listing) and ours, whose read-back listing matches the one written
// at build time but for label names, and whose re-encoding gives back the same bytes.

import test from 'ava';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { disassemble, listObjectFile } from '../../compiler/bpf/disassemble.ts';
import { encode } from '../../compiler/bpf/encode.ts';
import { listObject } from '../../compiler/bpf/listing.ts';
import { buildObject } from '../../compiler/bpf/object.ts';
import { readBpfObject } from '../../format/elf-read.ts';
import { sampleObject } from './fixtures/sample-object.ts';
import { matchGolden } from '../helpers/golden.ts';

test('a clang object lists with map, data and function names', (t) => {
  const obj = readBpfObject(readFileSync(new URL('./fixtures/clang-lb.o', import.meta.url)), 'clang-lb.o');
  const text = listObjectFile(obj);
  matchGolden(t, join(import.meta.dirname, 'fixtures/clang-lb.listing'), text, import.meta.filename);
  t.regex(text, /r1 = map\[services\] ll/);
  t.regex(text, /r1 = map_value\[\.bss\] ll/);
  t.regex(text, /call pick\n/);
  t.regex(text, /if r1 == 0 goto \+5 <L7>\n/);
  t.regex(text, /\nL7:\n  7: exit\n/);
});

test('our object read back lists as it was built, labels aside', (t) => {
  const built = buildObject(sampleObject);
  const withoutLabels = (s: string) =>
    s.split('\n').filter((l) => !/^[\w:.+]+:$/.test(l)).map((l) => l.replace(/ <[^<>]+>$/, '')).join('\n');
  t.is(withoutLabels(listObjectFile(readBpfObject(built.elf))), withoutLabels(listObject(built)));
});

test('re-encoding a disassembled program gives its bytes back, relocated fields aside', (t) => {
  const obj = readBpfObject(buildObject(sampleObject).elf);
  for (const p of obj.programs) {
    const functions = new Set(obj.programs.map((q) => q.name));
    const again = encode(disassemble(p), { functions }).bytes;
    const skip = new Set(p.relocations.map((r) => r.insn));
    for (let slot = 0; slot < p.insns.length / 8; slot++) {
      if (skip.has(slot)) continue;
      t.deepEqual(again.subarray(slot * 8, slot * 8 + 8), p.insns.subarray(slot * 8, slot * 8 + 8), `${p.name} slot ${slot}`);
    }
  }
});
