// Typed reading of one YAML mapping: each field read is checked (type, range, address syntax),
// its source range recorded for later diagnostics, and whatever was never asked for is reported
// as an unknown field with a did-you-mean. Problems are collected, never thrown.

import type { CodeInfo, Diagnostics, SourceRange } from '../diagnostics.ts';
import type { FieldRanges } from './types.ts';
import { codes } from './codes.ts';
import { didYouMean } from './did-you-mean.ts';
import { formatCIDR, formatIP, parseCIDR, parseIP, parseLegacyCIDR, parseLegacyIP, type IP, type Parsed } from './ip.ts';
import { quote } from './quote.ts';
import type { YamlSource } from './yaml-source.ts';
import type { YMap, YNode } from './yaml-tree.ts';

export interface ReadContext {
  src: YamlSource;
  diags: Diagnostics;
  /** Kubernetes manifests warn on unknown fields (SY1063): the API server already validated them,
   *  so a field we do not know is most likely newer than us, not a typo. */
  manifest: boolean;
}

/**
 * Where a value sits, for messages: `Service default/web spec.ports[0].port`, `nodes[1].name`.
 * The path is built only when a message needs it: most values never have a problem.
 */
export interface Where {
  label: string;
  parent?: Where;
  key?: string | number;
}

export const ROOT: Where = { label: '' };

function pathOf(w: Where): string {
  if (w.key === undefined || !w.parent) return '';
  const p = pathOf(w.parent);
  return typeof w.key === 'number' ? `${p}[${w.key}]` : p === '' ? w.key : `${p}.${w.key}`;
}

export function describe(w: Where): string {
  return [w.label, pathOf(w)].filter((s) => s !== '').join(' ') || 'document';
}

function child(w: Where, key: string | number): Where {
  return { label: w.label, parent: w, key };
}

function kindOf(node: YNode): string {
  if (node.kind === 'map') return 'a mapping';
  if (node.kind === 'seq') return 'a list';
  const v = node.value;
  if (v === null) return 'nothing (null)';
  if (typeof v === 'string') return `the string ${quote(v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  return `the boolean ${v}`;
}

function isNull(node: YNode | null | undefined): boolean {
  return !node || (node.kind === 'scalar' && node.value === null);
}

/** Free-standing value readers, for list elements and map fields alike. */
export class ValueReader {
  constructor(
    readonly ctx: ReadContext,
    readonly node: YNode,
    readonly where: Where,
  ) {}

  get range(): SourceRange {
    return this.ctx.src.rangeOf(this.node);
  }

  report(code: CodeInfo, message: string, notes?: string[]): undefined {
    this.ctx.diags.report(code, `${describe(this.where)}: ${message}`, this.range, notes);
    return undefined;
  }

  private wrongType(expected: string): undefined {
    return this.report(codes.SY1012, `expected ${expected}, got ${kindOf(this.node)}`);
  }

  string(): string | undefined {
    if (this.node.kind === 'scalar' && typeof this.node.value === 'string') return this.node.value;
    return this.wrongType('a string');
  }

  boolean(): boolean | undefined {
    if (this.node.kind === 'scalar' && typeof this.node.value === 'boolean') return this.node.value;
    return this.wrongType('true or false');
  }

  integer(min: number, max: number, code: CodeInfo = codes.SY1014): number | undefined {
    if (this.node.kind !== 'scalar' || typeof this.node.value !== 'number' || !Number.isInteger(this.node.value)) {
      return this.wrongType('an integer');
    }
    const v = this.node.value;
    if (v < min || v > max) return this.report(code, `${v} is out of range; expected ${min} to ${max}`);
    return v;
  }

  port(): number | undefined {
    return this.integer(1, 65535, codes.SY1022);
  }

  /** An integer port or the name of one (a targetPort). */
  portOrName(): number | string | undefined {
    if (this.node.kind === 'scalar' && typeof this.node.value === 'string') {
      const s = this.node.value;
      // Kubernetes' IANA_SVC_NAME: at most 15 lowercase alphanumerics and dashes, one letter.
      if (/^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(s) && /[a-z]/.test(s) && !s.includes('--')) return s;
      return this.report(codes.SY1022, `${quote(s)} is neither a port number nor a port name (lowercase letters, digits and dashes, at most 15)`);
    }
    return this.port();
  }

  oneOf<V extends string>(values: readonly V[], code: CodeInfo = codes.SY1013): V | undefined {
    const s = this.string();
    if (s === undefined) return undefined;
    if ((values as readonly string[]).includes(s)) return s as V;
    return this.report(code, `${quote(s)} is not one of ${values.join(', ')}`, didYouMean(s, values));
  }

  protocol(): 'TCP' | 'UDP' | undefined {
    const s = this.string();
    if (s === undefined) return undefined;
    if (s === 'TCP' || s === 'UDP') return s;
    const why = s === 'SCTP' ? 'SCTP is not supported by the datapath' : `${quote(s)} is not a protocol`;
    return this.report(codes.SY1023, `${why}; use TCP or UDP`, didYouMean(s, ['TCP', 'UDP']));
  }

  /**
   * An address in canonical text. In a manifest, read as the API server validated it and
   * kube-proxy reads it (leading zeros decimal), with a warning where that is not canonical.
   */
  ip(): string | undefined {
    const s = this.string();
    if (s === undefined) return undefined;
    const text = s.trim();
    const p: Parsed<IP> & { loose?: string } = this.ctx.manifest ? parseLegacyIP(text) : parseIP(text);
    if (p.error !== undefined) return this.report(codes.SY1020, `${quote(s)} is not an IP address: ${p.error}`);
    // Canonical IPv4 needs no reformatting (specs hold 100,000s of addresses).
    const ip = p.value.family === 4 && !p.loose ? text : formatIP(p.value);
    if (p.loose) this.reportLoose(s, ip, p.loose);
    return ip;
  }

  cidr(): string | undefined {
    const s = this.string();
    if (s === undefined) return undefined;
    const p = parseCIDR(s.trim());
    if (p.error !== undefined) return this.report(codes.SY1021, `${quote(s)} is not a CIDR: ${p.error}`);
    return formatCIDR(p.value);
  }

  /**
   * A CIDR of a Kubernetes field the API server validates the legacy way (loadBalancerSourceRanges):
   * read as kube-proxy reads it, with a warning where that differs from the strict reading.
   */
  legacyCidr(): string | undefined {
    const s = this.string();
    if (s === undefined) return undefined;
    const p = parseLegacyCIDR(s.trim());
    if (p.error !== undefined) return this.report(codes.SY1021, `${quote(s)} is not a CIDR: ${p.error}`);
    const cidr = formatCIDR(p.value);
    if (p.loose) this.reportLoose(s, cidr, p.loose, p.loose.includes('host bits') ? ', or a longer prefix if fewer addresses were meant' : '');
    return cidr;
  }

  /** SY1084: `text` is a legacy spelling the API server accepted, read as kube-proxy reads it. */
  reportLoose(text: string, canonical: string, loose: string, moreAdvice = ''): void {
    this.report(codes.SY1084, `${quote(text)} stands for ${canonical} (${loose}), as the API server and kube-proxy read it`, [`write ${canonical}${moreAdvice}`]);
  }

  map(): MapReader | undefined {
    if (this.node.kind === 'map') return new MapReader(this.ctx, this.node, this.where);
    return this.wrongType('a mapping');
  }

  /** Each element read by `each`; elements it rejects are left out. Records `key.N` ranges. */
  list<R>(each: (item: ValueReader, index: number) => R | undefined, pos?: FieldRanges, key?: string): R[] | undefined {
    if (this.node.kind !== 'seq') return this.wrongType('a list');
    const out: R[] = [];
    this.node.items.forEach((node, i) => {
      const item = new ValueReader(this.ctx, node, child(this.where, i));
      const r = each(item, i);
      if (r === undefined) return;
      // Keyed by the index in the result, so positions stay right when a bad element is left out.
      if (pos && key !== undefined) pos[`${key}.${out.length}`] = item.range;
      out.push(r);
    });
    return out;
  }
}

export interface FieldOptions {
  required?: boolean;
}

/** One mapping. Every getter marks its key as known; `done()` reports the keys nobody asked for. */
export class MapReader {
  readonly at: SourceRange;
  readonly pos: FieldRanges = {};
  // Arrays rather than a Map and a Set: a large spec has 100,000s of small mappings.
  /** Field names, key nodes and values in document order; `used[i]` once a getter asked for it. */
  private readonly names: string[] = [];
  private readonly keyNodes: YNode[] = [];
  private readonly values: (YNode | null)[] = [];
  private readonly used: boolean[] = [];
  /** Every name asked for, present or not: the candidates for a did-you-mean. */
  private readonly asked: string[] = [];

  constructor(
    readonly ctx: ReadContext,
    node: YMap,
    public where: Where,
  ) {
    this.at = ctx.src.rangeOf(node);
    for (const { key, value } of node.pairs) {
      const name = key.kind === 'scalar' ? String(key.value) : undefined;
      if (name === undefined) {
        ctx.diags.report(codes.SY1012, `${describe(where)}: field names must be plain strings`, ctx.src.rangeOf(key));
        continue;
      }
      this.names.push(name);
      this.keyNodes.push(key);
      this.values.push(value);
      this.used.push(false);
    }
  }

  /** Marks `key` as known; the index of its field, or -1 when the mapping lacks it. */
  private ask(key: string): number {
    this.asked.push(key);
    const i = this.names.indexOf(key);
    if (i >= 0) this.used[i] = true;
    return i;
  }

  /** Renames the object in later messages, once its name is known (`Service default/web`). */
  relabel(label: string): void {
    this.where = { ...this.where, label };
  }

  has(key: string): boolean {
    const i = this.ask(key);
    return i >= 0 && !isNull(this.values[i]);
  }

  keys(): readonly string[] {
    return this.names;
  }

  /** Marks fields as known and read elsewhere, or deliberately ignored. */
  ignore(...keys: string[]): void {
    for (const k of keys) this.ask(k);
  }

  /** Marks every field as known: the whole mapping is ignored or read elsewhere. Adds no
   *  did-you-mean candidates, and costs nothing per field however many the input has. */
  ignoreRest(): void {
    this.used.fill(true);
  }

  /** The value of a field as a ValueReader, or undefined (reporting it when required). */
  field(key: string, opts: FieldOptions = {}): ValueReader | undefined {
    const i = this.ask(key);
    const value = i >= 0 ? this.values[i] : null;
    if (!value || isNull(value)) {
      if (opts.required) {
        this.ctx.diags.report(codes.SY1011, `${describe(this.where)}: missing required field "${key}"`, this.at);
      }
      return undefined;
    }
    const v = new ValueReader(this.ctx, value, child(this.where, key));
    this.pos[key] = v.range;
    return v;
  }

  string(key: string, opts?: FieldOptions): string | undefined {
    return this.field(key, opts)?.string();
  }

  boolean(key: string, opts?: FieldOptions): boolean | undefined {
    return this.field(key, opts)?.boolean();
  }

  integer(key: string, min: number, max: number, opts?: FieldOptions): number | undefined {
    return this.field(key, opts)?.integer(min, max);
  }

  port(key: string, opts?: FieldOptions): number | undefined {
    return this.field(key, opts)?.port();
  }

  oneOf<V extends string>(key: string, values: readonly V[], opts?: FieldOptions): V | undefined {
    return this.field(key, opts)?.oneOf(values);
  }

  protocol(key: string, opts?: FieldOptions): 'TCP' | 'UDP' | undefined {
    return this.field(key, opts)?.protocol();
  }

  ip(key: string, opts?: FieldOptions): string | undefined {
    return this.field(key, opts)?.ip();
  }

  cidr(key: string, opts?: FieldOptions): string | undefined {
    return this.field(key, opts)?.cidr();
  }

  map(key: string, opts?: FieldOptions): MapReader | undefined {
    return this.field(key, opts)?.map();
  }

  list<R>(key: string, each: (item: ValueReader, index: number) => R | undefined, opts?: FieldOptions): R[] | undefined {
    return this.field(key, opts)?.list(each, this.pos, key);
  }

  stringList(key: string, opts?: FieldOptions): string[] | undefined {
    return this.list(key, (v) => v.string(), opts);
  }

  ipList(key: string, opts?: FieldOptions): string[] | undefined {
    return this.list(key, (v) => v.ip(), opts);
  }

  cidrList(key: string, opts?: FieldOptions): string[] | undefined {
    return this.list(key, (v) => v.cidr(), opts);
  }

  /** Reports every field that no getter asked for. Call after reading everything. */
  done(): void {
    this.names.forEach((name, i) => {
      if (this.used[i]) return;
      const code = this.ctx.manifest ? codes.SY1063 : codes.SY1010;
      const tail = this.ctx.manifest ? '; Switchyard ignores it' : '';
      this.ctx.diags.report(
        code,
        `${describe(this.where)}: unknown field ${quote(name)}${tail}`,
        this.ctx.src.rangeOf(this.keyNodes[i]!),
        didYouMean(name, new Set(this.asked)),
      );
    });
  }
}
