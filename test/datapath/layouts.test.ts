// The contract between the emitter and the datapath: every map the compiler writes contents
// for (compiler/emit/map-layouts.ts) is declared by every datapath object with the same type,
// size, flags, and key and value structs field by field (name, offset, size), read from the
// object's own BTF, so a datapath struct that drifts from the layout fails here, not on a node.

import test from 'ava';
import { runPipeline } from '../../compiler/pipeline.ts';
import { mapLayouts, type FieldLayout, type StructLayout } from '../../compiler/emit/map-layouts.ts';
import { MapType } from '../../compiler/bpf/maps.ts';
import { readBpfObject } from '../../format/elf-read.ts';
import { btfSizeOf, btfType, skipModifiers } from '../../format/btf-read.ts';
import type { Btf } from '../../format/bpf-object-btf.ts';

const compiled = runPipeline({ paths: ['specs/demo'] });

/** Problems of BTF type `id` against a layout struct (empty: they agree). */
function compare(btf: Btf, id: number, want: StructLayout, where: string): string[] {
  const t = btfType(btf, skipModifiers(btf, id));
  const size = btfSizeOf(btf, t.id);
  if (size !== want.size) return [`${where}: ${size} bytes, the layout says ${want.size}`];
  // A one-field layout may be the bare scalar (array maps take a u32 key).
  if (t.kind !== 'STRUCT') return want.fields.length === 1 ? [] : [`${where}: a ${t.kind}, the layout says struct ${want.name}`];
  const out: string[] = [];
  if (t.name !== want.name) out.push(`${where}: struct ${t.name}, the layout says struct ${want.name}`);
  const members = new Map(t.members.map((m) => [m.name, m]));
  for (const f of want.fields) {
    const m = members.get(f.name);
    if (!m) {
      out.push(`${where}.${f.name}: missing`);
      continue;
    }
    const got = { offset: m.bitOffset / 8, size: btfSizeOf(btf, m.type) };
    if (got.offset !== f.offset || got.size !== f.size) out.push(`${where}.${f.name}: at ${got.offset}, ${got.size} bytes; the layout says ${f.offset}, ${f.size}`);
    const order = byteOrderOf(btf, m.type);
    if (order && f.byteOrder !== 'none' && order !== f.byteOrder) out.push(`${where}.${f.name}: ${order} order, the layout says ${f.byteOrder}`);
  }
  if (t.members.length !== want.fields.length) out.push(`${where}: ${t.members.length} fields, the layout has ${want.fields.length}`);
  return out;
}

/** network for __be16/__be32 (and arrays of them), host for other integers; undefined: no opinion. */
function byteOrderOf(btf: Btf, id: number): FieldLayout['byteOrder'] | undefined {
  const t = btfType(btf, skipModifiers(btf, id));
  if (t.kind === 'ARRAY') return byteOrderOf(btf, t.type);
  if (t.kind === 'INT') return t.name === '__be16' || t.name === '__be32' ? 'network' : t.size === 1 ? undefined : 'host';
  if (t.kind === 'TYPEDEF') return t.name === '__be16' || t.name === '__be32' ? 'network' : byteOrderOf(btf, t.type);
  return undefined;
}

test('the demo compiles to objects, one per feature set, named by every node', (t) => {
  t.true(compiled.ok, compiled.diagnostics.map((d) => d.message).join('\n'));
  const objects = compiled.ctx.objects ?? [];
  t.true(objects.length >= 1);
  const nodes = objects.flatMap((o) => o.nodes).sort();
  t.deepEqual(nodes, compiled.ctx.plan!.nodeConfigs.map((c) => c.name).sort(), 'every node has exactly one object');
});

test('every object declares every map of map-layouts.ts exactly as laid out (type, sizes, flags, BTF structs)', (t) => {
  const plan = compiled.ctx.plan!;
  const layouts = mapLayouts(plan.cluster.maps, plan.cluster.datapath.maglevTableSize);
  for (const o of compiled.ctx.objects ?? []) {
    const obj = readBpfObject(o.elf, o.name);
    const btf = obj.btf?.parsed;
    if (!btf) {
      t.fail(`${o.name}: no BTF`);
      continue;
    }
    const problems: string[] = [];
    for (const l of layouts) {
      const m = obj.maps.find((x) => x.name === l.name);
      if (!m) {
        problems.push(`map ${l.name}: not declared`);
        continue;
      }
      const type = MapType[l.type.replace('BPF_MAP_TYPE_', '').toLowerCase() as keyof typeof MapType];
      if (m.type !== type) problems.push(`map ${l.name}: type ${m.type}, the layout says ${l.type} (${type})`);
      if (m.maxEntries !== l.maxEntries) problems.push(`map ${l.name}: ${m.maxEntries} entries, the layout says ${l.maxEntries}`);
      const flags = l.mapFlags.includes('BPF_F_NO_PREALLOC') ? 1 : 0;
      if (m.flags !== flags) problems.push(`map ${l.name}: flags ${m.flags}, the layout says ${l.mapFlags.join('|') || 0}`);
      if (!m.keyTypeId || !m.valueTypeId) {
        problems.push(`map ${l.name}: no BTF key/value types`);
        continue;
      }
      problems.push(...compare(btf, m.keyTypeId, l.key, `${l.name} key`), ...compare(btf, m.valueTypeId, l.value, `${l.name} value`));
    }
    t.deepEqual(problems, [], `${o.name}`);
  }
});

test('a Maglev table size other than the default reaches the object as the map value size', (t) => {
  const r = runPipeline({ paths: ['specs/demo'] });
  t.true(r.ok);
  const plan = r.ctx.plan!;
  // The same plan with another prime: the build stage compiles the table geometry from it.
  plan.cluster.datapath = { ...plan.cluster.datapath, maglevTableSize: 251 };
  const stage = (r.ctx.objects ?? []).length;
  t.true(stage >= 1);
  return import('../../compiler/datapath-build/objects.ts').then(({ buildDatapathObjects }) => {
    const built = buildDatapathObjects(plan);
    t.deepEqual(built.diagnostics.filter((d) => d.severity === 'error'), []);
    const obj = readBpfObject(built.objects[0]!.elf, 'maglev-251');
    t.is(obj.maps.find((m) => m.name === 'lb_maglev')!.valueSize, 251 * 4);
  });
});
