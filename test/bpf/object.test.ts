// Objects the compiler writes read back through the runtime's ELF reader with everything the
// loader needs; builds are deterministic; mistakes come back as collected diagnostics.

import test from 'ava';
import * as a from '../../compiler/bpf/asm.ts';
import { buildObject } from '../../compiler/bpf/object.ts';
import { linkItems } from '../../compiler/bpf/link-items.ts';
import { encode } from '../../compiler/bpf/encode.ts';
import { R0, R1 } from '../../compiler/bpf/register.ts';
import { DiagnosticError } from '../../compiler/diagnostics.ts';
import { readBpfObject } from '../../format/elf-read.ts';
import { btfTypeName } from '../../format/btf-read.ts';
import { sampleObject, tcxObject } from './fixtures/sample-object.ts';

const built = buildObject(sampleObject);
const obj = readBpfObject(built.elf, 'sample.o');
const prog = (name: string) => obj.programs.find((p) => p.name === name)!;

test('programs and functions land in their sections with the right kinds', (t) => {
  t.deepEqual(
    obj.programs.map((p) => [p.name, p.section, p.role, p.global, p.kind?.progTypeName, p.kind?.attachTypeName]),
    [
      ['pick', '.text', 'subprogram', false, undefined, undefined],
      ['xdp_lb', 'xdp', 'entry', true, 'xdp', 'xdp'],
      ['tc_pass', 'tc', 'entry', true, 'sched_cls', undefined],
      ['sock4_connect', 'cgroup/connect4', 'entry', true, 'cgroup_sock_addr', 'cgroup_inet4_connect'],
      ['sock6_sendmsg', 'cgroup/sendmsg6', 'entry', true, 'cgroup_sock_addr', 'cgroup_udp6_sendmsg'],
      ['sock_release', 'cgroup/sock_release', 'entry', true, 'cgroup_sock', 'cgroup_inet_sock_release'],
    ],
  );
  t.is(obj.license, 'Dual BSD/GPL');
});

test('map references and calls become relocations as LLVM writes them', (t) => {
  t.deepEqual(prog('xdp_lb').relocations, [
    { insn: 4, kind: 'map', symbol: 'services', map: 'services' },
    { insn: 8, kind: 'call', symbol: '.text', section: '.text', function: 'pick', functionInsn: 0 },
  ]);
  const insns = prog('xdp_lb').insns;
  t.deepEqual([...insns.subarray(4 * 8, 6 * 8)], [0x18, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 'src 0, imm 0');
  t.is(insns[8 * 8 + 1]! >> 4, 1, 'pseudo call');
});

test('maps read back with their BTF key and value types', (t) => {
  const btf = obj.btf!.parsed;
  t.deepEqual(obj.maps.map((m) => m.name), ['services', 'backends', 'counters']);
  const services = obj.maps[0]!;
  t.like(services, { type: 1, keySize: 8, valueSize: 8, maxEntries: 1024, flags: 1, pinning: 0 });
  t.is(btfTypeName(btf, services.keyTypeId), 'struct svc_key');
  t.is(btfTypeName(btf, services.valueTypeId), 'struct svc_value');
  t.like(obj.maps[1]!.inner, { name: 'backends.inner', type: 2, keySize: 4, valueSize: 8, maxEntries: 4 });
  t.like(obj.maps[2], { type: 6, keySize: 4, valueSize: 8 });
});

test('line info maps instructions to their datapath lines; func info names each function', (t) => {
  const p = prog('xdp_lb');
  t.deepEqual(p.lineInfo.map((l) => [l.insn, l.file, l.line, l.text]), [
    [0, 'datapath/lb.ts', 10, 'const key = svcKey(0x0a000001, 80, TCP);'],
    [4, 'datapath/lb.ts', 11, 'const svc = services.lookup(key);'],
    [7, 'datapath/lb.ts', 12, 'if (pick(svc) > 0) return XDP_PASS;'],
    [12, 'datapath/lb.ts', 13, 'return XDP_DROP;'],
    [13, 'datapath/lb.ts', 14, '}'],
  ]);
  t.is(obj.btf!.parsed.types[p.btfFuncId!]?.name, 'xdp_lb');
  t.is(obj.btf!.parsed.types[prog('pick').btfFuncId!]?.name, 'pick');
  // A function without source lines still gets a record at its start (the kernel requires one).
  t.deepEqual(prog('tc_pass').lineInfo.map((l) => l.insn), [0]);
});

test('the same input gives the same bytes', (t) => {
  t.deepEqual(buildObject(sampleObject).elf, built.elf);
  t.deepEqual(buildObject(tcxObject).elf, buildObject(tcxObject).elf);
});

test('linkItems appends reachable functions and keeps labels apart', (t) => {
  const items = linkItems(sampleObject, 'xdp_lb');
  const { insns, labels, slotOf } = encode(items, { maps: { services: 3 } });
  t.is(labels.get('pick'), 14, 'after the 14 slots of xdp_lb');
  const call = insns.findIndex((i) => i.target === 'pick');
  t.is(slotOf[call], 8);
  t.is(insns[call]!.imm, 14 - 8 - 1, 'call resolved within the stream');
  t.true(labels.has('xdp_lb:out') && labels.has('pick:out'));
  t.is(insns[4]!.imm, 3, 'map fd');
});

test('problems are collected into one DiagnosticError with codes', (t) => {
  const e = t.throws(
    () =>
      buildObject({
        maps: [{ name: 'm', type: 'hash', key: 4, value: 4, maxEntries: 0 }],
        programs: [
          { name: 'p', section: 'xdp', items: [a.ldMap(R1, 'nope'), a.callLocal('ghost'), a.exit()] },
          { name: 'p', section: 'kprobe/x', items: [a.mov64(R0, 0), a.exit()] },
          { name: 'q', section: 'xdp', items: [a.ja('nowhere'), a.exit()] },
        ],
      }),
    { instanceOf: DiagnosticError },
  ) as DiagnosticError;
  t.deepEqual(e.diagnostics.map((d) => d.code).sort(), ['SY4001', 'SY4002', 'SY4003', 'SY4004', 'SY4005', 'SY4006']);
  t.regex(e.message, /refers to map nope, which the object does not define/);
});

test('two programs in one section are placed one after the other, each with its symbol', (t) => {
  const twin = buildObject({
    programs: [
      { name: 'first', section: 'xdp', items: [a.mov64(R0, 1), a.exit()] },
      { name: 'second', section: 'xdp', items: [a.mov64(R0, 2), a.mov64(R0, 2), a.exit()] },
    ],
  });
  const read = readBpfObject(twin.elf);
  t.deepEqual(read.programs.map((p) => [p.name, p.section, p.offset, p.insns.length / 8]), [
    ['first', 'xdp', 0, 2],
    ['second', 'xdp', 16, 3],
  ]);
});
