// The front end without the kernel: layouts of kernel structs, the context and helper tables
// against the declarations, untyped constants, the inlining policy, configuration, determinism,
// and the declarations type-checking with tsc itself.

import test from 'ava';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Diagnostics } from '../../compiler/diagnostics.ts';
import { contexts } from '../../compiler/lang/front/context.ts';
import { helperRules } from '../../compiler/lang/front/helpers.ts';
import { helperId } from '../../format/bpf-helpers.ts';
import { layoutStruct } from '../../compiler/lang/front/layout.ts';
import { ints } from '../../compiler/lang/front/types.ts';
import { DATAPATH_DIR } from '../../compiler/lang/front/source.ts';
import { buildObject } from '../../compiler/bpf/object.ts';
import { compile, project } from './helpers.ts';
import { compileSources } from '../../compiler/lang/compile.ts';
import { addFiles } from '../../compiler/lang/front/source.ts';

test('layouts: sequential with natural alignment; @offset overlays; padding must be declared', (t) => {
  const d = new Diagnostics();
  const s = layoutStruct('K', [
    { name: 'addr', type: ints.be32, readonly: false },
    { name: 'port', type: ints.be16, readonly: false },
    { name: 'proto', type: ints.u8, readonly: false },
    { name: 'pad', type: ints.u8, readonly: false },
  ], d);
  t.is(s.size, 8);
  t.deepEqual(s.fields.map((f) => f.offset), [0, 4, 6, 7]);
  t.is(d.items.length, 0);
  layoutStruct('Bad', [{ name: 'a', type: ints.u8, readonly: false }, { name: 'b', type: ints.u32, readonly: false }], d);
  t.deepEqual(d.items.map((x) => x.code), ['SY3020', 'SY3021']);
});

test('kernel structs declared with @offset have the uapi layout (bpf_fib_lookup: 64 bytes)', (t) => {
  const r = compile(`
/** @section tc */
export function f(ctx: SkBuff): i32 {
  const p = zeroed<BpfFibLookup>();
  const n = zeroed<BpfRedirNeigh>();
  return i32(sizeof<BpfFibLookup>() * 100 + sizeof<BpfRedirNeigh>());
}`);
  t.deepEqual(r.diagnostics, []);
  const items = r.object.programs[0]!.items.filter((i) => i.kind === 'insn');
  t.true(items.some((i) => i.kind === 'insn' && i.imm === 6420), 'sizeof gives 64 and 20');
});

test('every context field in bpf-context.d.ts has a table entry, and every entry a declaration', (t) => {
  const dts = readFileSync(join(DATAPATH_DIR, 'bpf-context.d.ts'), 'utf8');
  for (const c of Object.values(contexts)) {
    const body = new RegExp(`interface ${c.typeName} (?:extends \\w+ )?\\{([\\s\\S]*?)\\n\\}`).exec(dts)![1]!;
    const declared = [...body.matchAll(/^\s+(?:readonly )?(\w+):/gm)].map((m) => m[1]!).sort();
    t.deepEqual(declared, Object.keys(c.fields).sort(), c.typeName);
  }
});

test('every helper in bpf-helpers.d.ts has a rule and a kernel id', (t) => {
  const dts = readFileSync(join(DATAPATH_DIR, 'bpf-helpers.d.ts'), 'utf8');
  const declared = [...dts.matchAll(/declare function (bpf_\w+)/g)].map((m) => m[1]!).sort();
  t.deepEqual(declared, Object.keys(helperRules).sort());
  for (const h of declared) t.true(helperId(h) > 0, h);
});

test('untyped constants take the type they meet and must fit it', (t) => {
  const ok = compile(`
const BIG = 300;
const SMALL = 3;
/** @section xdp */
export function f(ctx: XdpMd): u32 {
  const x: u16 = BIG;
  const y: u8 = SMALL;
  return u32(x) + u32(y);
}`);
  t.deepEqual(ok.diagnostics, []);
  const bad = compile(`
const BIG = 300;
/** @section xdp */
export function f(ctx: XdpMd): u32 {
  const y: u8 = BIG;
  return y;
}`);
  t.deepEqual(bad.diagnostics.map((d) => d.code), ['SY3022']);
});

const manyCalls = (tag: string, body: string) => `
${tag}
function work(x: u32): u32 {
${body}
}
/** @section xdp */
export function f(ctx: XdpMd): u32 {
  const a = ctx.ingress_ifindex;
  return work(a) ^ work(a + 1) ^ work(a + 2) ^ work(a + 3);
}`;
const localCalls = (r: ReturnType<typeof compile>) =>
  r.object.programs[0]!.items.filter((i) => i.kind === 'insn' && i.op === 0x85 && i.src === 1).length;

test('inlining policy: a small function is copied, a big one called four times becomes a subprogram', (t) => {
  t.is(localCalls(compile(manyCalls('', '  return x * 3 + 1;'))), 0, 'small: inlined');
  const big = Array.from({ length: 12 }, (_, i) => `  v = (v ^ (v >> ${(i % 7) + 1})) * ${0x9e3779b1 + i};`).join('\n');
  const r = compile(manyCalls('', `  let v: u32 = x;\n${big}\n  return v;`));
  t.is(localCalls(r), 4, 'big: four BPF-to-BPF calls');
  t.is(r.object.functions?.length, 1);
  t.is(localCalls(compile(manyCalls('/** @inline */', `  let v: u32 = x;\n${big}\n  return v;`))), 0, '@inline wins');
});

test('configuration: values are checked against the interface, and false branches vanish', (t) => {
  const src = `
interface Cfg { fast: bool; port: be16; limit: u8 }
const cfg = nodeConfig<Cfg>();
/** @section xdp */
export function f(ctx: XdpMd): u32 {
  if (cfg.fast) return u32(bpf_jiffies64());
  return u32(ntohs(cfg.port)) + cfg.limit;
}`;
  const helpers = (r: ReturnType<typeof compile>) => r.object.programs[0]!.items.filter((i) => i.kind === 'insn' && i.op === 0x85).length;
  t.is(helpers(compile(src, { config: { fast: true, port: 80, limit: 3 } })), 1);
  const slow = compile(src, { config: { fast: false, port: 80, limit: 3 } });
  t.is(helpers(slow), 0);
  t.true(slow.object.programs[0]!.items.some((i) => i.kind === 'insn' && i.imm === 83), 'ntohs(htons(80)) + 3 folds to 83');
  const wrong = compile(src, { config: { fast: 1, port: 80, limit: 300 } });
  t.deepEqual(wrong.diagnostics.map((d) => d.code), ['SY3064', 'SY3064']);
});

test('the same source and configuration give the same bytes', (t) => {
  const path = join(import.meta.dirname, 'fixtures/programs/xdp-lb.ts');
  const once = () => {
    const set = project();
    const [f] = addFiles(set, [path]);
    try {
      return buildObject(compileSources(set, [f!]).object).elf;
    } finally {
      set.project.removeSourceFile(f!);
    }
  };
  const a = once();
  t.true(a.length > 1000);
  t.deepEqual(Buffer.from(once()).toString('hex'), Buffer.from(a).toString('hex'));
});

test('tsc type-checks the BPF-TS declarations, headers and golden programs', (t) => {
  execFileSync('npx', ['tsc', '-p', 'compiler/datapath'], { stdio: 'pipe' });
  execFileSync('npx', ['tsc', '-p', 'test/lang/fixtures'], { stdio: 'pipe' });
  t.pass();
});

test('stack slots whose lives do not overlap share space; overlapping ones do not', (t) => {
  const lookups = Array.from({ length: 12 }, (_, k) => `  if (m.lookup({ ...zeroed<Key>(), a: u64(${k}) + u64(ctx.ingress_ifindex) })) n += 1;`).join('\n');
  const r = compile(`
interface Key { a: u64; b: FixedArray<u64, 4> }
interface Val { v: u64 }
export const m = map<Key, Val>({ type: 'hash', maxEntries: 8 });
/** @section xdp */
export function f(ctx: XdpMd): u32 {
  let n: u32 = 0;
${lookups}
  const k1: Key = { ...zeroed<Key>(), a: 1 };
  const k2: Key = { ...zeroed<Key>(), a: 2 };
  if (m.lookup(k1) && m.lookup(k2)) n += 100;
  return n;
}`);
  t.deepEqual(r.diagnostics, []);
  t.is(r.programs[0]!.stackSize, 2 * 40, 'the 12 sequential keys share a slot (with k1, born after them); k2, alive with k1, takes another');
});
