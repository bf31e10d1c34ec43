// The ELF reader on a clang-14 object that follows libbpf's conventions (fixtures/clang-lb.c):
// programs and subprograms, every relocation kind, BTF-defined maps with map-in-map, global
// data, license and line info; and refusals that say what is wrong.

import test from 'ava';
import { readFileSync } from 'node:fs';
import { readBpfObject } from '../../format/elf-read.ts';
import { btfTypeName } from '../../format/btf-read.ts';

const path = new URL('./fixtures/clang-lb.o', import.meta.url);
const obj = readBpfObject(readFileSync(path), 'clang-lb.o');
const program = (name: string) => obj.programs.find((p) => p.name === name)!;

test('programs: entry points by section, static functions of .text as subprograms', (t) => {
  t.deepEqual(
    obj.programs.map((p) => [p.name, p.section, p.role, p.global, p.kind?.progTypeName, p.insns.length / 8]),
    [
      ['pick', '.text', 'subprogram', false, undefined, 8],
      ['xdp_lb', 'xdp', 'entry', true, 'xdp', 21],
      ['sock4_connect', 'cgroup/connect4', 'entry', true, 'cgroup_sock_addr', 14],
      ['tc_pass', 'tc', 'entry', true, 'sched_cls', 2],
    ],
  );
  t.is(program('sock4_connect').kind?.attachTypeName, 'cgroup_inet4_connect');
  t.is(obj.license, 'Dual BSD/GPL');
});

test('relocations: maps, global data and calls, at the right instruction', (t) => {
  t.deepEqual(program('xdp_lb').relocations, [
    { insn: 6, kind: 'map', symbol: 'services', map: 'services' },
    { insn: 9, kind: 'data', symbol: 'hits', section: '.bss', offset: 0 },
    { insn: 15, kind: 'call', symbol: '.text', section: '.text', function: 'pick', functionInsn: 0 },
  ]);
  t.deepEqual(program('pick').relocations, [{ insn: 3, kind: 'data', symbol: 'node_id', section: '.rodata', offset: 0 }]);
  // Each relocated instruction really is what the relocation says it is.
  const bytes = program('xdp_lb').insns;
  t.is(bytes[6 * 8], 0x18, 'map reference is an LD_IMM64');
  t.is(bytes[15 * 8], 0x85, 'call');
});

test('maps: attributes from BTF, key/value types, map-in-map with its initial slot', (t) => {
  const services = obj.maps.find((m) => m.name === 'services')!;
  t.like(services, { type: 1, keySize: 8, valueSize: 8, maxEntries: 1024, flags: 1, pinning: 1 });
  t.is(btfTypeName(obj.btf!.parsed, services.keyTypeId), 'struct svc_key');
  t.is(btfTypeName(obj.btf!.parsed, services.valueTypeId), 'struct svc_val');
  const outer = obj.maps.find((m) => m.name === 'outer')!;
  t.like(outer, { type: 12, keySize: 4, valueSize: 4, maxEntries: 8 });
  t.like(outer.inner, { name: 'outer.inner', type: 2, keySize: 4, valueSize: 8, maxEntries: 4 });
  t.deepEqual(outer.initialSlots, [{ slot: 2, name: 'backends_a' }]);
  t.deepEqual(obj.maps.map((m) => m.name), ['backends_a', 'outer', 'services']);
});

test('global data sections with their contents', (t) => {
  t.deepEqual(
    obj.data.map((d) => [d.name, d.size, [...d.bytes], d.readonly, d.btfTypeId > 0]),
    [
      ['.bss', 4, [0, 0, 0, 0], false, true],
      ['.rodata', 4, [7, 0, 0, 0], true, true],
    ],
  );
});

test('BTF func ids and line info per program, offsets in slots from the program start', (t) => {
  const p = program('pick');
  t.is(obj.btf!.parsed.types[p.btfFuncId!]?.name, 'pick');
  t.deepEqual(
    p.lineInfo.map((l) => [l.insn, l.line, l.text.trim()]).slice(0, 2),
    [
      [0, 53, 'static __attribute__((noinline)) int pick(struct svc_val *v)'],
      [1, 55, 'return v ? (int)(v->id + node_id) : -1;'],
    ],
  );
  t.true(program('xdp_lb').lineInfo.every((l, i, a) => i === 0 || a[i - 1]!.insn <= l.insn));
  t.is(obj.btfExt!.lineInfoRecSize, 16);
});

test('refusals name the problem', (t) => {
  const good = readFileSync(path);
  t.throws(() => readBpfObject(new Uint8Array(10), 'x.o'), { message: 'x.o: not an ELF file' });
  const otherMachine = new Uint8Array(good);
  otherMachine[18] = 62; // EM_X86_64
  t.throws(() => readBpfObject(otherMachine, 'x.o'), { message: /machine 62, expected EM_BPF/ });
});
