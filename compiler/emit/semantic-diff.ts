// What changed between two outputs, by meaning: services added or removed, frontends whose
// address changed, backends added or removed, attributes (policies, flags) changed. IDs and
// byte-level details are left out; the text diff is there for those.

import type { FrontendView, ServiceView } from './table-view.ts';

export interface DiffSummary {
  lines: string[];
  servicesAdded: number;
  servicesRemoved: number;
  servicesChanged: number;
  backendsAdded: number;
  backendsRemoved: number;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const frontendText = (f: FrontendView): string => `${f.kind} ${f.address}`;
/** Frontends that correspond across an address change: same kind, same port and protocol. */
const slot = (f: FrontendView): string => `${f.kind} ${f.address.slice(f.address.lastIndexOf(':'))}`;

function diffFrontends(key: string, a: FrontendView[], b: FrontendView[], out: string[]): boolean {
  const aMap = new Map(a.map((f) => [frontendText(f), f]));
  const bMap = new Map(b.map((f) => [frontendText(f), f]));
  const gone = a.filter((f) => !bMap.has(frontendText(f)));
  const come = b.filter((f) => !aMap.has(frontendText(f)));
  let changed = false;
  for (const f of gone) {
    const i = come.findIndex((g) => slot(g) === slot(f));
    if (i >= 0) {
      const g = come.splice(i, 1)[0]!;
      out.push(`~ service ${key}: ${f.kind} address changed: ${f.address} → ${g.address}`);
    } else {
      out.push(`~ service ${key}: ${f.kind} ${f.address} removed`);
    }
    changed = true;
  }
  for (const g of come) {
    out.push(`~ service ${key}: ${g.kind} ${g.address} added`);
    changed = true;
  }
  for (const [text, f] of aMap) {
    const g = bMap.get(text);
    if (g && g.attrs !== f.attrs) {
      out.push(`~ service ${key}: ${text}: ${f.attrs || '-'} → ${g.attrs || '-'}`);
      changed = true;
    }
  }
  return changed;
}

export function semanticDiff(before: Map<string, ServiceView>, after: Map<string, ServiceView>): DiffSummary {
  const s: DiffSummary = { lines: [], servicesAdded: 0, servicesRemoved: 0, servicesChanged: 0, backendsAdded: 0, backendsRemoved: 0 };
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort(byText);
  for (const key of keys) {
    const a = before.get(key);
    const b = after.get(key);
    if (!a) {
      s.servicesAdded++;
      s.lines.push(`+ service ${key}: ${b!.frontends.map(frontendText).join(', ')}`);
    } else if (!b) {
      s.servicesRemoved++;
      s.lines.push(`- service ${key}`);
    }
    let changed = a && b ? diffFrontends(key, a.frontends, b.frontends, s.lines) : false;
    if (a && b && a.attrs.join(' ') !== b.attrs.join(' ')) {
      s.lines.push(`~ service ${key}: ${a.attrs.join(' ') || '-'} → ${b.attrs.join(' ') || '-'}`);
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
          s.lines.push(`- backend ${unit} ${addr}`);
        } else if (w.attrs !== v.attrs) {
          s.lines.push(`~ backend ${unit} ${addr}: ${v.attrs || '-'} → ${w.attrs || '-'}`);
          changed = true;
        }
      }
      for (const [addr, w] of y) {
        if (x.has(addr)) continue;
        s.backendsAdded++;
        s.lines.push(`+ backend ${unit} ${addr}${w.attrs ? ` (${w.attrs})` : ''}`);
      }
    }
    if (a && b && changed) s.servicesChanged++;
  }
  return s;
}
