// The one helper table (format/bpf-helpers.ts) and what is derived from it: BPF-TS's helper
// rules, and the prototypes BPF-TS declares in bpf-helpers.d.ts, which must agree with it.

import test from 'ava';
import { readFileSync } from 'node:fs';
import { helperId, helperName, helpers, helperSpec } from '../../format/bpf-helpers.ts';
import { helperRules } from '../../compiler/lang/front/helpers.ts';

const declarations = readFileSync('compiler/datapath/bpf-helpers.d.ts', 'utf8');
const declared = new Map([...declarations.matchAll(/declare function (bpf_\w+)\(([^)]*)\)/g)].map((m) => [m[1]!, m[2]!.trim() ? m[2]!.split(',').length : 0]));

test('ids follow the kernel numbering and each helper is listed once', (t) => {
  t.is(helperId('bpf_map_lookup_elem'), 1);
  t.is(helperId('fib_lookup'), 69);
  t.is(helperId('bpf_redirect_peer'), 155);
  t.is(helperName(181), 'bpf_loop');
  t.throws(() => helperId('bpf_no_such_helper'), { message: /not a kernel helper/ });
  const ids = helpers.map((h) => h.id);
  t.is(new Set(ids).size, ids.length);
  for (const h of helpers) t.is(helperId(h.name), h.id, h.name);
});

test('arguments are at most five, and every memory argument is followed by its size', (t) => {
  for (const h of helpers) {
    t.true(h.args.length <= 5, h.name);
    h.args.forEach((a, i) => {
      if (a.startsWith('mem_')) t.regex(h.args[i + 1] ?? '', /^size/, `${h.name}: argument ${i + 1}`);
    });
  }
});

test('BPF-TS declares exactly the helpers the table offers it, with as many arguments', (t) => {
  t.deepEqual([...declared.keys()].sort(), Object.keys(helperRules).sort());
  for (const [name, count] of declared) t.is(count, helperSpec(name)!.args.length, name);
});

test('BPF-TS rules carry the table\'s packet moves and contexts', (t) => {
  t.deepEqual(helperRules['bpf_skb_store_bytes'], { contexts: ['skb'], movesPacket: true });
  t.deepEqual(helperRules['bpf_xdp_adjust_head'], { contexts: ['xdp'], movesPacket: true });
  t.deepEqual(helperRules['bpf_fib_lookup'], { contexts: ['xdp', 'skb'], movesPacket: false });
  t.deepEqual(helperRules['bpf_set_retval'], { contexts: ['sock_addr', 'sock'], movesPacket: false });
  for (const h of helpers.filter((s) => s.bpfTs.length)) t.is(helperRules[`bpf_${h.name}`]!.movesPacket, h.movesPacket, h.name);
});
