// What changed between two outputs, by meaning: services added or removed, frontends whose
// address changed, backends added or removed, attributes (policies, flags) changed. IDs and
// byte-level details are left out; the text diff is there for those. Each change is data
// (`changes`); the text lines and the pull-request summary (diff-markdown.ts) are two views of it.

import type { FrontendView, ServiceView } from './table-view.ts';

export interface Change {
  what: 'service' | 'backend';
  op: 'added' | 'removed' | 'changed';
  /** The service (`ns/name`, `hostPort node/...`); for a backend, its service port (`ns/name:port/PROTO`). */
  subject: string;
  /** A backend's `addr:port/PROTO`. */
  address?: string;
  /** What an added service answers on, what changed and how (`a → b`), an added backend's attributes. */
  detail: string;
  /** The same change as a line of `switchyard diff`'s text output. */
  line: string;
}

export interface DiffSummary {
  changes: Change[];
  /** `changes` as text lines, in order. */
  lines: string[];
  servicesAdded: number;
  servicesRemoved: number;
  servicesChanged: number;
  backendsAdded: number;
  backendsRemoved: number;
  /** Backends kept whose attributes (node, state) changed; their services count as changed too. */
  backendsChanged: number;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const frontendText = (f: FrontendView): string => `${f.kind} ${f.address}`;
/** Frontends that correspond across an address change: same kind, same port and protocol. */
const slot = (f: FrontendView): string => `${f.kind} ${f.address.slice(f.address.lastIndexOf(':'))}`;

const serviceChange = (key: string, detail: string): Change => ({ what: 'service', op: 'changed', subject: key, detail, line: `~ service ${key}: ${detail}` });

function diffFrontends(key: string, a: FrontendView[], b: FrontendView[], out: Change[]): boolean {
  const aMap = new Map(a.map((f) => [frontendText(f), f]));
  const bMap = new Map(b.map((f) => [frontendText(f), f]));
  const gone = a.filter((f) => !bMap.has(frontendText(f)));
  const come = b.filter((f) => !aMap.has(frontendText(f)));
  let changed = false;
  for (const f of gone) {
    const i = come.findIndex((g) => slot(g) === slot(f));
    if (i >= 0) {
      const g = come.splice(i, 1)[0]!;
      out.push(serviceChange(key, `${f.kind} address changed: ${f.address} → ${g.address}`));
    } else {
      out.push(serviceChange(key, `${f.kind} ${f.address} removed`));
    }
    changed = true;
  }
  for (const g of come) {
    out.push(serviceChange(key, `${g.kind} ${g.address} added`));
    changed = true;
  }
  for (const [text, f] of aMap) {
    const g = bMap.get(text);
    if (g && g.attrs !== f.attrs) {
      out.push(serviceChange(key, `${text}: ${f.attrs || '-'} → ${g.attrs || '-'}`));
      changed = true;
    }
  }
  return changed;
}

export function semanticDiff(before: Map<string, ServiceView>, after: Map<string, ServiceView>): DiffSummary {
  const changes: Change[] = [];
  const s: DiffSummary = { changes, lines: [], servicesAdded: 0, servicesRemoved: 0, servicesChanged: 0, backendsAdded: 0, backendsRemoved: 0, backendsChanged: 0 };
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort(byText);
  for (const key of keys) {
    const a = before.get(key);
    const b = after.get(key);
    if (!a) {
      s.servicesAdded++;
      const detail = b!.frontends.map(frontendText).join(', ');
      changes.push({ what: 'service', op: 'added', subject: key, detail, line: `+ service ${key}: ${detail}` });
    } else if (!b) {
      s.servicesRemoved++;
      changes.push({ what: 'service', op: 'removed', subject: key, detail: '', line: `- service ${key}` });
    }
    let changed = a && b ? diffFrontends(key, a.frontends, b.frontends, changes) : false;
    if (a && b && a.attrs.join(' ') !== b.attrs.join(' ')) {
      changes.push(serviceChange(key, `${a.attrs.join(' ') || '-'} → ${b.attrs.join(' ') || '-'}`));
      changed = true;
    }
    const units = [...new Set([...(a?.backends.keys() ?? []), ...(b?.backends.keys() ?? [])])].sort(byText);
    for (const unit of units) {
      const x = new Map((a?.backends.get(unit) ?? []).map((v) => [v.address, v]));
      const y = new Map((b?.backends.get(unit) ?? []).map((v) => [v.address, v]));
      for (const [addr, v] of x) {
        const w = y.get(addr);
        if (!w) {
          s.backendsRemoved++;
          changes.push({ what: 'backend', op: 'removed', subject: unit, address: addr, detail: '', line: `- backend ${unit} ${addr}` });
        } else if (w.attrs !== v.attrs) {
          s.backendsChanged++;
          const detail = `${v.attrs || '-'} → ${w.attrs || '-'}`;
          changes.push({ what: 'backend', op: 'changed', subject: unit, address: addr, detail, line: `~ backend ${unit} ${addr}: ${detail}` });
          changed = true;
        }
      }
      for (const [addr, w] of y) {
        if (x.has(addr)) continue;
        s.backendsAdded++;
        changes.push({ what: 'backend', op: 'added', subject: unit, address: addr, detail: w.attrs, line: `+ backend ${unit} ${addr}${w.attrs ? ` (${w.attrs})` : ''}` });
      }
    }
    if (a && b && changed) s.servicesChanged++;
  }
  s.lines = changes.map((c) => c.line);
  return s;
}
