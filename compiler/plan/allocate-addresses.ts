// ClusterIPs and LoadBalancer IPs: spec-given addresses first, then what the lock remembers,
// then the lowest free address for whatever is new, in service-key order. Allocated addresses
// (never spec-given ones) go into the next lock, so a compile never moves a service's address.
// A LoadBalancer whose status lists addresses takes exactly those, as kube-proxy does, and one
// of a class the pools do not serve gets none until its own controller writes a status.

import type { Diagnostics } from '../diagnostics.ts';
import { parseAddress, type Address, type Family } from '../model/address.ts';
import type { Model, ModelService } from '../model/types.ts';
import { rangeOf, type PoolSpec } from '../spec/types.ts';
import { AddressPool, cidrRange, parsePoolEntry } from './address-pool.ts';
import { planCodes } from './codes.ts';
import type { Lock } from './lock.ts';

export interface AddressAllocation {
  /** Service key → ClusterIPs, v4 before v6. */
  clusterIPs: Map<string, Address[]>;
  /** Service key → LoadBalancer IPs (empty for other types, or when no pool applies). */
  loadBalancerIPs: Map<string, Address[]>;
}

interface Pending {
  svc: ModelService;
  family: Family;
  pool: AddressPool;
  poolName: string;
  out: Address[];
}

/** Locked values first, for everyone, so a new service never takes an address remembered for another. */
function fromLock(pool: AddressPool, locked: readonly string[] | undefined, family: Family): Address | undefined {
  for (const text of locked ?? []) {
    const a = parseAddress(text);
    if (a && a.family === family && pool.contains(a) && !pool.isTaken(a) && pool.take(a)) return a;
  }
  return undefined;
}

function allocatePending(pending: Pending[], report: (p: Pending, left: number) => void): void {
  const failed = new Map<AddressPool, Pending[]>();
  for (const p of pending) {
    const a = p.pool.allocate();
    if (a) p.out.push(a);
    else if (failed.has(p.pool)) failed.get(p.pool)!.push(p);
    else failed.set(p.pool, [p]);
  }
  // One diagnostic per exhausted range, at the first service left out, not thousands.
  for (const list of failed.values()) report(list[0]!, list.length);
}

const sortByFamily = (xs: Address[]): Address[] => xs.sort((a, b) => a.family - b.family);

export function allocateClusterIPs(model: Model, lock: Lock, next: Lock, diags: Diagnostics): Map<string, Address[]> {
  const pools: Partial<Record<Family, AddressPool>> = {};
  if (model.serviceCIDRs.v4) pools[4] = new AddressPool(4, [cidrRange(model.serviceCIDRs.v4)]);
  if (model.serviceCIDRs.v6) pools[6] = new AddressPool(6, [cidrRange(model.serviceCIDRs.v6)]);
  const out = new Map<string, Address[]>();
  for (const svc of model.services) for (const a of svc.clusterIPs) pools[a.family]?.take(a);
  const pending: Pending[] = [];
  const allocated = new Set<string>();
  for (const svc of model.services) {
    if (svc.clusterIPs.length) {
      out.set(svc.key, [...svc.clusterIPs]);
      continue;
    }
    const got: Address[] = [];
    out.set(svc.key, got);
    allocated.add(svc.key);
    for (const family of svc.families) {
      const pool = pools[family];
      if (!pool) continue; // the spec stage refuses a family without a service CIDR (SY1041)
      const a = fromLock(pool, lock.clusterIPs.get(svc.key), family);
      if (a) got.push(a);
      else pending.push({ svc, family, pool, poolName: `v${family}`, out: got });
    }
  }
  allocatePending(pending, (p, left) =>
    diags.report(
      planCodes.SY2005,
      `service ${p.svc.key}: the IPv${p.family} service CIDR ${(p.family === 4 ? model.serviceCIDRs.v4 : model.serviceCIDRs.v6)!.text} is exhausted; ${left} service(s) left without a ClusterIP`,
      rangeOf(p.svc.spec, 'name'),
      [`widen cluster.serviceCIDRs.v${p.family}, or give some services explicit clusterIPs`],
    ),
  );
  for (const [key, list] of out) {
    sortByFamily(list);
    if (list.length && allocated.has(key)) next.clusterIPs.set(key, list.map((a) => a.text));
  }
  return out;
}

interface Pool {
  spec: PoolSpec;
  byFamily: Partial<Record<Family, AddressPool>>;
}

export function allocateLoadBalancerIPs(model: Model, lock: Lock, next: Lock, diags: Diagnostics): Map<string, Address[]> {
  const taken: Record<Family, Set<bigint>> = { 4: new Set(), 6: new Set() };
  const pools = new Map<string, Pool>();
  for (const spec of model.cluster.loadBalancerPools) {
    const ranges = spec.addresses.map(parsePoolEntry).filter((r) => r !== undefined);
    const byFamily: Pool['byFamily'] = {};
    for (const family of [4, 6] as const) {
      const mine = ranges.filter((r) => r.family === family);
      if (mine.length) byFamily[family] = new AddressPool(family, mine, taken[family]);
    }
    pools.set(spec.name, { spec, byFamily });
  }
  const defaultPool = model.cluster.loadBalancerPools.find((p) => p.default)?.name;
  const out = new Map<string, Address[]>();
  const lbServices = model.services.filter((s) => s.type === 'LoadBalancer');

  for (const svc of lbServices) {
    // Requested addresses are inside their pools (the spec stage checks, SY1047), and the
    // cluster's assigned ones are in use wherever they are: reserve both.
    for (const a of svc.loadBalancerIPs) new AddressPool(a.family, [], taken[a.family]).take(a);
    for (const a of svc.assignedIPs ?? []) new AddressPool(a.address.family, [], taken[a.address.family]).take(a.address);
  }

  const pending: Pending[] = [];
  const allocated = new Set<string>();
  for (const svc of lbServices) {
    if (svc.assignedIPs) {
      out.set(svc.key, svc.assignedIPs.map((a) => a.address));
      continue;
    }
    // Another class's controller assigns its address; until its status says one, there is none.
    if (!svc.fromPools) {
      out.set(svc.key, []);
      continue;
    }
    if (svc.loadBalancerIPs.length) {
      out.set(svc.key, [...svc.loadBalancerIPs]);
      continue;
    }
    const got: Address[] = [];
    out.set(svc.key, got);
    allocated.add(svc.key);
    const poolName = svc.pool ?? defaultPool;
    if (poolName === undefined) {
      diags.report(planCodes.SY2013, `service ${svc.key}: no pool named and no default pool: no LoadBalancer IP allocated`, rangeOf(svc.spec, 'type'), [
        'it stays reachable on its NodePort (as behind a cloud load balancer); to allocate one, mark a pool `default: true` or name one',
      ]);
      continue;
    }
    const pool = pools.get(poolName);
    if (!pool) continue; // the spec stage refuses an undeclared pool (SY1048)
    const families = svc.families.filter((f) => pool.byFamily[f]);
    if (families.length === 0) {
      diags.report(
        planCodes.SY2004,
        `service ${svc.key}: pool "${poolName}" has no ${svc.families.map((f) => `IPv${f}`).join(' or ')} addresses`,
        rangeOf(svc.spec, svc.pool !== undefined ? 'loadBalancerPool' : 'type'),
        [`add ${svc.families.map((f) => `IPv${f}`).join('/')} ranges to pool "${poolName}" (${rangeText(pool.spec)})`],
      );
      continue;
    }
    for (const family of families) {
      const p = pool.byFamily[family]!;
      const a = fromLock(p, lock.loadBalancerIPs.get(svc.key), family);
      if (a) got.push(a);
      else pending.push({ svc, family, pool: p, poolName, out: got });
    }
  }
  allocatePending(pending, (p, left) => {
    const spec = pools.get(p.poolName)!.spec;
    diags.report(
      planCodes.SY2004,
      `service ${p.svc.key}: pool "${p.poolName}" has no free IPv${p.family} address; ${left} service(s) left without a LoadBalancer IP`,
      rangeOf(p.svc.spec, 'type'),
      [`add addresses to pool "${p.poolName}" (${rangeText(spec)})`],
    );
  });
  for (const [key, list] of out) {
    sortByFamily(list);
    if (list.length && allocated.has(key)) next.loadBalancerIPs.set(key, list.map((a) => a.text));
  }
  return out;
}

function rangeText(p: PoolSpec): string {
  return `${p.at.file}:${p.at.line}`;
}
