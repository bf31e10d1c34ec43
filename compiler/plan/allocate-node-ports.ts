// nodePorts and healthCheckNodePorts: spec-given ones checked (inside the range, not taken by
// another service), then the lock's, then the lowest free port for whatever is new.
// One service may use one number for TCP and UDP, as Kubernetes allows; two services may not,
// nor two ports of one protocol.

import type { Diagnostics, SourceRange } from '../diagnostics.ts';
import type { Model } from '../model/types.ts';
import { rangeOf } from '../spec/types.ts';
import { planCodes } from './codes.ts';
import type { Lock } from './lock.ts';

export interface NodePortAllocation {
  /** Service-port key → nodePort, for NodePort and LoadBalancer services. */
  nodePorts: Map<string, number>;
  /** Service key → healthCheckNodePort, for LoadBalancer services with externalTrafficPolicy: Local. */
  healthCheckNodePorts: Map<string, number>;
}

interface Owner {
  service: string;
  protocol: string;
  /** `port http/TCP`, or `healthCheckNodePort`. */
  what: string;
  range: SourceRange;
}

function describe(o: Owner, port: number): string {
  return o.what === 'healthCheckNodePort' ? `healthCheckNodePort ${port}` : `nodePort ${port} (${o.what})`;
}

export function allocateNodePorts(model: Model, lock: Lock, next: Lock, diags: Diagnostics): NodePortAllocation {
  const { min, max } = model.cluster.nodePortRange;
  const owners = new Map<number, Owner>();
  const out: NodePortAllocation = { nodePorts: new Map(), healthCheckNodePorts: new Map() };

  const claim = (port: number, owner: Owner): void => {
    if (port < min || port > max) {
      diags.report(planCodes.SY2002, `service ${owner.service}: ${describe(owner, port)} is outside the nodePort range ${min}-${max}`, owner.range, [
        `pick a port in ${min}-${max}, or widen cluster.nodePortRange`,
      ]);
      return;
    }
    const prev = owners.get(port);
    if (prev && (prev.service !== owner.service || prev.protocol === owner.protocol)) {
      const at = `${prev.range.file}:${prev.range.line}:${prev.range.col}`;
      diags.report(planCodes.SY2003, `service ${owner.service}: ${describe(owner, port)} is already taken by ${prev.service === owner.service ? 'another port of the same service' : prev.service}`, owner.range, [
        `${prev.service === owner.service ? 'the service' : prev.service} takes it for its ${prev.what} at ${at}; drop one of them to let the plan allocate a free port`,
      ]);
      return;
    }
    if (!prev) owners.set(port, owner);
  };

  const nodePortServices = model.services.filter((s) => s.hasNodePorts);
  for (const svc of nodePortServices) {
    for (const p of svc.ports) {
      if (p.nodePort === undefined) continue;
      claim(p.nodePort, { service: svc.key, protocol: p.protocol, what: `port ${p.name || p.port}/${p.protocol}`, range: rangeOf(p.spec, 'nodePort') });
      out.nodePorts.set(p.key, p.nodePort);
    }
    if (svc.needsHealthCheck && svc.healthCheckNodePort !== undefined) {
      claim(svc.healthCheckNodePort, { service: svc.key, protocol: 'TCP', what: 'healthCheckNodePort', range: rangeOf(svc.spec, 'healthCheckNodePort') });
      out.healthCheckNodePorts.set(svc.key, svc.healthCheckNodePort);
    }
  }

  // The lock's ports for everyone first, then new ones in key order.
  const pending: { service: string; range: SourceRange; set: (port: number) => void }[] = [];
  const fromLock = (port: number | undefined, service: string, what: string, range: SourceRange): number | undefined => {
    if (port === undefined || port < min || port > max) return undefined;
    if (owners.has(port)) return undefined;
    owners.set(port, { service, protocol: '', what, range });
    return port;
  };
  for (const svc of nodePortServices) {
    for (const p of svc.ports) {
      if (p.nodePort !== undefined) continue;
      const range = rangeOf(p.spec, 'port');
      const what = `port ${p.name || p.port}/${p.protocol}`;
      const locked = fromLock(lock.nodePorts.get(p.key), svc.key, what, range);
      const set = (port: number): void => {
        out.nodePorts.set(p.key, port);
        next.nodePorts.set(p.key, port);
      };
      if (locked !== undefined) set(locked);
      else pending.push({ service: svc.key, range, set });
    }
    if (svc.needsHealthCheck && svc.healthCheckNodePort === undefined) {
      const range = rangeOf(svc.spec, 'externalTrafficPolicy');
      const locked = fromLock(lock.healthCheckNodePorts.get(svc.key), svc.key, 'healthCheckNodePort', range);
      const set = (port: number): void => {
        out.healthCheckNodePorts.set(svc.key, port);
        next.healthCheckNodePorts.set(svc.key, port);
      };
      if (locked !== undefined) set(locked);
      else pending.push({ service: svc.key, range, set });
    }
  }

  let cursor = min;
  let left = 0;
  let firstLeft: (typeof pending)[number] | undefined;
  for (const want of pending) {
    while (cursor <= max && owners.has(cursor)) cursor++;
    if (cursor > max) {
      left++;
      firstLeft ??= want;
      continue;
    }
    owners.set(cursor, { service: want.service, protocol: '', what: 'nodePort', range: want.range });
    want.set(cursor++);
  }
  if (firstLeft) {
    diags.report(
      planCodes.SY2011,
      `service ${firstLeft.service}: the nodePort range ${min}-${max} is exhausted; ${left} port(s) left without a nodePort`,
      firstLeft.range,
      ['widen cluster.nodePortRange, or turn some services into ClusterIP services'],
    );
  }
  return out;
}
