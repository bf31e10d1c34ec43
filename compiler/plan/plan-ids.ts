// Plan step `ids`: stable service, reverse-NAT and backend IDs. IDs in the previous lock are
// kept; new keys get new IDs in key order, so that one added backend changes one line.

import type { ModelBackend } from '../model/types.ts';
import { planCodes } from './codes.ts';
import { assignIds, MAX_IDS } from './ids.ts';
import type { IdKind } from './lock.ts';
import type { PlanState } from './plan-state.ts';

/** Sorted by UTF-16 code units (the default sort, much faster than a comparator), unique. */
function sortedKeys(keys: Iterable<string>): string[] {
  return Array.from(new Set(keys)).sort();
}

const PROTO_BIT: Record<string, number> = { TCP: 0, UDP: 1 };

/**
 * Backend keys in address order (IPv4 by address, port, protocol; then IPv6 by key text),
 * unique. A numeric sort: at 100,000 backends, sorting the key strings was a tenth of the plan.
 */
function sortedBackendKeys(backends: readonly ModelBackend[]): string[] {
  const v4 = new Map<number, string>();
  const v6 = new Set<string>();
  for (const b of backends) {
    if (b.address.family === 6) {
      v6.add(b.key);
      continue;
    }
    const a = b.address.bytes;
    // address (32 bits) · port (16) · protocol (1): 49 bits, exact in a double.
    const n = ((a[0]! * 256 + a[1]!) * 256 + a[2]!) * 256 + a[3]!;
    v4.set(n * 131072 + b.port * 2 + PROTO_BIT[b.protocol]!, b.key);
  }
  const order = Float64Array.from(v4.keys()).sort();
  const out: string[] = new Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = v4.get(order[i]!)!;
  return out.concat([...v6].sort());
}

export function planIds(s: PlanState): void {
  const { model, previous, next } = s;
  const allBackends: ModelBackend[] = [];
  for (const svc of model.services) for (const p of svc.ports) for (const b of p.backends) allBackends.push(b);
  for (const h of model.hostPorts) allBackends.push(h.backend);
  const idOf = {} as Record<IdKind, Map<string, number>>;
  const wanted: Record<IdKind, string[]> = {
    service: sortedKeys([...model.services.flatMap((svc) => svc.ports.map((p) => p.key)), ...model.hostPorts.map((h) => h.key)]),
    revnat: sortedKeys([...s.owned!.map((o) => o.frontend.key), ...s.hostFrontends!.map((f) => f.key)]),
    backend: sortedBackendKeys(allBackends),
  };
  for (const kind of ['service', 'revnat', 'backend'] as const) {
    const r = assignIds(wanted[kind], previous.ids[kind], previous.next[kind], MAX_IDS[kind]);
    idOf[kind] = r.ids;
    next.ids[kind] = r.ids;
    next.next[kind] = r.next;
    if (r.exhausted.length) {
      s.diags.report(planCodes.SY2014, `cluster: all ${MAX_IDS[kind]} ${kind} IDs are in use; ${r.exhausted.length} left without one (first: ${r.exhausted[0]})`, model.cluster.at, [
        `the ${kind} ID is ${MAX_IDS[kind] === 0xffff ? 16 : 32} bits wide in the BPF maps; split the cluster or remove unused entries`,
      ]);
    }
  }
  s.idOf = idOf;
}
