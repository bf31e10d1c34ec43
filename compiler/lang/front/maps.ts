// Map declarations in BPF-TS sources: `export const backends = map<Key, Value>({ type: 'hash',
// maxEntries: 1024, pinning: 'byName' })`, checked and turned into inert map specs (name, kernel
// map type, key/value layout and sizes, flags, pinning) for the backend and the loader.

import type { CallExpression, VariableDeclaration } from 'ts-morph';
import { Node } from './ts-morph.ts';
import type { SourceRange } from '../../diagnostics.ts';
import { codes } from '../codes.ts';
import { sizeOf, type MemType } from './types.ts';
import { mapTypes } from '../../../format/bpf-uapi.ts';

export type MapKind = 'hash' | 'array' | 'percpu_hash' | 'percpu_array' | 'lru_hash' | 'lru_percpu_hash' | 'lpm_trie' | 'prog_array' | 'sk_storage';

/** enum bpf_map_type */
export const mapTypeNumbers: Readonly<Record<MapKind, number>> = mapTypes;

export interface MapDecl {
  readonly name: string;
  readonly kind: MapKind;
  /** enum bpf_map_type */
  readonly mapType: number;
  readonly key: MemType;
  readonly value: MemType;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
  readonly pinning: 'none' | 'byName';
  readonly range: SourceRange;
}

/** What parsing a declaration needs from the compilation. */
export interface MapParseEnv {
  range(node: Node): SourceRange;
  report(code: (typeof codes)[keyof typeof codes], message: string, node: Node): void;
  memType(node: Node): MemType | undefined;
  /** A compile-time integer (config values allowed), or undefined after reporting. */
  constant(node: Node): bigint | undefined;
}

const BPF_F_NO_PREALLOC = 1;

export function parseMapDecl(decl: VariableDeclaration, call: CallExpression, env: MapParseEnv): MapDecl | undefined {
  const name = decl.getName();
  const callee = call.getExpression().getText();
  const [optionsNode] = call.getArguments();
  if (!optionsNode || !Node.isObjectLiteralExpression(optionsNode)) {
    env.report(codes.SY3063, `map ${name}: ${callee}() takes an object literal of options`, call);
    return undefined;
  }
  const opts = new Map<string, Node>();
  for (const p of optionsNode.getProperties()) {
    if (!Node.isPropertyAssignment(p)) {
      env.report(codes.SY3063, `map ${name}: write each option as \`name: value\``, p);
      continue;
    }
    opts.set(p.getName(), p.getInitializerOrThrow());
  }
  const str = (key: string): string | undefined => {
    const n = opts.get(key);
    if (!n) return undefined;
    if (Node.isStringLiteral(n)) return n.getLiteralValue();
    env.report(codes.SY3063, `map ${name}: ${key} must be a string literal`, n);
    return undefined;
  };
  const num = (key: string): number | undefined => {
    const n = opts.get(key);
    if (!n) return undefined;
    const v = env.constant(n);
    return v === undefined ? undefined : Number(v);
  };

  let kind: MapKind;
  let key: MemType | undefined;
  let value: MemType | undefined;
  if (callee === 'progArray') {
    kind = 'prog_array';
    key = { kind: 'int', name: 'u32', bits: 32, signed: false, be: false };
    value = key;
  } else {
    const t = str('type');
    if (!t || !(t in mapTypeNumbers) || t === 'prog_array') {
      env.report(codes.SY3063, `map ${name}: type must be one of ${Object.keys(mapTypeNumbers).filter((k) => k !== 'prog_array').join(', ')}`, optionsNode);
      return undefined;
    }
    kind = t as MapKind;
    const [keyNode, valueNode] = call.getTypeArguments();
    if (!keyNode || !valueNode) {
      env.report(codes.SY3063, `map ${name}: name the key and value types, map<Key, Value>({...})`, call);
      return undefined;
    }
    key = env.memType(keyNode);
    value = env.memType(valueNode);
    if (!key || !value) return undefined;
  }
  const maxEntries = num('maxEntries');
  const flags = num('flags') ?? 0;
  const pinning = str('pinning') ?? 'none';
  for (const k of opts.keys()) {
    if (!['type', 'maxEntries', 'flags', 'pinning'].includes(k)) env.report(codes.SY3063, `map ${name}: unknown option ${k}`, opts.get(k)!);
  }
  // Socket-local storage has no size of its own: each socket holds its value.
  if (kind === 'sk_storage') {
    if (maxEntries !== 0) {
      env.report(codes.SY3063, `map ${name}: an sk_storage map takes maxEntries: 0 (each socket holds its value)`, opts.get('maxEntries') ?? optionsNode);
      return undefined;
    }
    if (!(flags & BPF_F_NO_PREALLOC)) env.report(codes.SY3063, `map ${name}: the kernel requires flags: BPF_F_NO_PREALLOC on an sk_storage map`, optionsNode);
    if (!(key.kind === 'int' && key.bits === 32 && !key.be)) env.report(codes.SY3063, `map ${name}: an sk_storage map is keyed by u32 (the kernel wants a 32-bit int key type)`, call);
  } else if (maxEntries === undefined || maxEntries <= 0 || maxEntries > 0xffffffff) {
    env.report(codes.SY3063, `map ${name}: maxEntries must be a positive constant`, opts.get('maxEntries') ?? optionsNode);
    return undefined;
  }
  if (pinning !== 'none' && pinning !== 'byName') {
    env.report(codes.SY3063, `map ${name}: pinning is 'none' or 'byName'`, opts.get('pinning')!);
    return undefined;
  }
  const keySize = sizeOf(key);
  const valueSize = sizeOf(value);
  if ((kind === 'array' || kind === 'percpu_array') && !(key.kind === 'int' && key.bits === 32 && !key.be)) {
    env.report(codes.SY3063, `map ${name}: an ${kind} map is indexed by u32`, call);
  }
  if (kind === 'lpm_trie') {
    if (!(flags & BPF_F_NO_PREALLOC)) env.report(codes.SY3063, `map ${name}: the kernel requires flags: BPF_F_NO_PREALLOC on an lpm_trie`, optionsNode);
    const first = key.kind === 'struct' ? key.fields[0] : undefined;
    if (!first || first.offset !== 0 || first.type.kind !== 'int' || first.type.bits !== 32) {
      env.report(codes.SY3063, `map ${name}: an lpm_trie key starts with the prefix length, a u32`, call);
    }
  }
  return {
    name,
    kind,
    mapType: mapTypeNumbers[kind],
    key,
    value,
    keySize,
    valueSize,
    maxEntries: maxEntries!,
    flags,
    pinning,
    range: env.range(decl),
  };
}
