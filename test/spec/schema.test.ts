// specs/switchyard.schema.json against the compact format's TypeScript interfaces
// (compiler/spec/compact-format.ts): same fields, same requiredness, same types, same defaults;
// and the example specs validate against the schema as an editor would check them.

import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Node, Project, type TypeNode } from 'ts-morph';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_DATAPATH, DEFAULT_DEVICES, DEFAULT_MAPS, DEFAULT_NODE_PORT_RANGE } from '../../compiler/spec/defaults.ts';

type Schema = Record<string, any>;
const schema = JSON.parse(readFileSync('specs/switchyard.schema.json', 'utf8')) as Schema;
const defs = schema.$defs as Record<string, Schema>;

/** Interface `CompactFoo` is described by `$defs/Foo`. */
const defName = (iface: string) => iface.replace(/^Compact/, '');

/** A comparable shape: `string`, `number`, `boolean`, `enum:a|b`, `ref:Foo`, `array<...>`, `a|b`. */
function tsShape(t: TypeNode): string {
  if (Node.isParenthesizedTypeNode(t)) return tsShape(t.getTypeNode());
  if (Node.isArrayTypeNode(t)) return `array<${tsShape(t.getElementTypeNode())}>`;
  if (Node.isTypeReference(t)) return `ref:${defName(t.getTypeName().getText())}`;
  if (Node.isUnionTypeNode(t)) {
    const members = t.getTypeNodes();
    if (members.every((m) => Node.isLiteralTypeNode(m))) {
      return `enum:${members.map((m) => m.getText().slice(1, -1)).sort().join('|')}`;
    }
    return members.map(tsShape).sort().join('|');
  }
  const text = t.getText();
  if (['string', 'number', 'boolean'].includes(text)) return text;
  throw new Error(`compact-format.ts: no schema shape for type ${text}`);
}

function schemaShape(s: Schema): string {
  if (s.$ref) {
    const name = (s.$ref as string).replace('#/$defs/', '');
    const target = defs[name]!;
    return target.type === 'object' ? `ref:${name}` : schemaShape(target);
  }
  if (s.enum) return `enum:${[...s.enum].sort().join('|')}`;
  const prim = (t: string) => (t === 'integer' ? 'number' : t);
  if (Array.isArray(s.type)) return s.type.map(prim).sort().join('|');
  if (s.type === 'array') return `array<${schemaShape(s.items)}>`;
  return prim(s.type);
}

const project = new Project({ skipAddingFilesFromTsConfig: true });
const source = project.addSourceFileAtPath('compiler/spec/compact-format.ts');
const interfaces = source.getInterfaces();

test('every compact-format interface has a schema definition with the same fields, requiredness and types', (t) => {
  t.true(interfaces.length >= 10);
  for (const iface of interfaces) {
    const name = defName(iface.getName());
    const def = defs[name];
    t.truthy(def, `$defs/${name} is missing for ${iface.getName()}`);
    if (!def) continue;
    t.is(def.type, 'object', name);
    t.is(def.additionalProperties, false, `${name}: additionalProperties must be false so editors flag unknown fields`);
    const props = iface.getProperties();
    t.deepEqual(Object.keys(def.properties).sort(), props.map((p) => p.getName()).sort(), `${name}: field names`);
    t.deepEqual([...(def.required ?? [])].sort(), props.filter((p) => !p.hasQuestionToken()).map((p) => p.getName()).sort(), `${name}: required fields`);
    for (const p of props) {
      const sp = def.properties[p.getName()];
      if (!sp) continue;
      t.is(schemaShape(sp), tsShape(p.getTypeNodeOrThrow()), `${name}.${p.getName()}: type`);
      t.true(typeof sp.description === 'string' && sp.description.length > 0, `${name}.${p.getName()}: editors show the description`);
    }
  }
  // No definition of an object kind without its interface: the two lists are the same.
  const objectDefs = Object.entries(defs).filter(([, d]) => d.type === 'object').map(([n]) => n).sort();
  t.deepEqual(objectDefs, interfaces.map((i) => defName(i.getName())).sort());
  t.is(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  t.is(schema.$ref, '#/$defs/Document');
});

test('the schema documents the same defaults as defaults.ts', (t) => {
  const dp = defs.Datapath!.properties;
  for (const [k, v] of Object.entries(DEFAULT_DATAPATH)) t.deepEqual(dp[k].default, v, `Datapath.${k}`);
  t.deepEqual(dp.devices.default, DEFAULT_DEVICES);
  for (const [k, v] of Object.entries(DEFAULT_MAPS)) t.is(defs.Maps!.properties[k].default, v, `Maps.${k}`);
  t.is(defs.Cluster!.properties.nodePortRange.default, `${DEFAULT_NODE_PORT_RANGE.min}-${DEFAULT_NODE_PORT_RANGE.max}`);
});

/** The subset of JSON Schema the file uses, checked as an editor would; returns the problems. */
function validate(value: unknown, s: Schema, path: string, out: string[], seen?: Set<string>, def?: string): void {
  if (s.$ref) {
    const name = (s.$ref as string).replace('#/$defs/', '');
    validate(value, defs[name]!, path, out, seen, name);
  }
  const types = s.type === undefined ? undefined : Array.isArray(s.type) ? s.type : [s.type];
  const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : Number.isInteger(value) ? 'integer' : typeof value;
  if (types && !types.includes(kind) && !(kind === 'integer' && types.includes('number'))) {
    out.push(`${path}: ${kind} is not ${types.join('|')}`);
    return;
  }
  if (s.enum && !s.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} not in enum`);
  if (typeof value === 'string' && s.pattern && !new RegExp(s.pattern).test(value)) out.push(`${path}: "${value}" does not match ${s.pattern}`);
  if (typeof value === 'number') {
    if (s.minimum !== undefined && value < s.minimum) out.push(`${path}: below minimum`);
    if (s.maximum !== undefined && value > s.maximum) out.push(`${path}: above maximum`);
  }
  if (Array.isArray(value)) {
    if (s.minItems !== undefined && value.length < s.minItems) out.push(`${path}: fewer than ${s.minItems} items`);
    if (s.maxItems !== undefined && value.length > s.maxItems) out.push(`${path}: more than ${s.maxItems} items`);
    if (s.items) value.forEach((v, i) => validate(v, s.items, `${path}[${i}]`, out, seen));
  }
  if (kind === 'object' && s.properties) {
    const obj = value as Record<string, unknown>;
    for (const r of s.required ?? []) if (!(r in obj)) out.push(`${path}: missing ${r}`);
    for (const [k, v] of Object.entries(obj)) {
      if (s.properties[k]) {
        seen?.add(`${def}.${k}`);
        validate(v, s.properties[k], `${path}.${k}`, out, seen);
      }
      else if (s.additionalProperties === false) out.push(`${path}: unknown field ${k}`);
    }
  }
}

function compactDocuments(file: string): unknown[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as unknown)
    .filter((d): d is Record<string, unknown> => typeof d === 'object' && d !== null && !('kind' in d));
}

test('every example spec in specs/ validates against the schema', (t) => {
  const files = readdirSync('specs', { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f)).map((f) => join('specs', f));
  t.true(files.length > 0);
  for (const file of files) {
    for (const doc of compactDocuments(file)) {
      const problems: string[] = [];
      validate(doc, schema, file, problems);
      t.deepEqual(problems, [], file);
    }
  }
});

test('the schema rejects what loadSpec rejects as unknown, missing or mistyped', (t) => {
  for (const name of ['SY1010-unknown-field', 'SY1011-missing-field', 'SY1012-wrong-type', 'SY1013-value-not-allowed']) {
    const problems: string[] = [];
    for (const doc of compactDocuments(`test/spec/fixtures/${name}.yaml`)) validate(doc, schema, name, problems);
    t.true(problems.length > 0, `${name} should not validate`);
  }
});

test('the every-field fixture uses every field of the schema, so loading it proves the readers know them all', (t) => {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const doc of compactDocuments('test/spec/fixtures/every-field.yaml')) validate(doc, schema, 'every-field', problems, seen);
  t.deepEqual(problems, []);
  const all = Object.entries(defs).filter(([, d]) => d.type === 'object').flatMap(([n, d]) => Object.keys(d.properties).map((k) => `${n}.${k}`));
  t.deepEqual(all.filter((k) => !seen.has(k)), []);
  // fixtures.test.ts holds it to its expected output: loaded, without a diagnostic.
  t.is(readFileSync('test/spec/fixtures/every-field.expected', 'utf8'), '(spec loaded)\n');
});
