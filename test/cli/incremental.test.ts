// Incremental compile, proven byte for byte: a seeded sequence of 100 random spec edits (services,
// backends, ports, nodes, traffic policies added, removed and changed), each compiled the way the
// CLI compiles (`switchyard compile`, in process) into one output directory that keeps every
// cache warm; after each, a compile from scratch of the same spec, given only the previous lock
// and manifest (IDs, slots, generation) and with the caches off, must write exactly the same files.

import test from 'ava';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { main } from '../../compiler/cli/main.ts';

/** Cache folders a scratch compile turns off; every 50th step turns off all (the datapath's too). */
const INCREMENTAL_CACHES = 'verdicts,spec,plan';
const STEPS = 100;

interface Backend { address: string; node: string; terminating: boolean }
interface Port { name: string; port: number; targetPort: number; protocol: 'TCP' | 'UDP' }
interface Service { name: string; type: 'ClusterIP' | 'NodePort' | 'LoadBalancer'; local: boolean; ports: Port[]; backends: Backend[] }
interface Cluster { nodes: string[]; services: Service[]; counter: number }

/** A seeded LCG: the same edits on every run, so a failure reproduces. */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0;
  return (n) => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x % n;
  };
}

const nodeIndex = (name: string): number => Number(name.slice(4));
const podAddress = (node: string, n: number): string => `10.${100 + nodeIndex(node)}.${(n >> 8) & 255}.${(n & 255) || 1}`;

function render(c: Cluster): string {
  const out = [
    'cluster:',
    '  name: incr',
    '  serviceCIDRs: {v4: 10.96.0.0/16}',
    '  loadBalancerPools:',
    '    - {name: public, addresses: [198.51.100.0/24], default: true}',
    'nodes:',
  ];
  for (const n of c.nodes) out.push(`  - {name: ${n}, addresses: [192.0.2.${nodeIndex(n) + 1}], podCIDRs: [10.${100 + nodeIndex(n)}.0.0/16]}`);
  out.push('services:');
  for (const s of c.services) {
    out.push(`  - name: ${s.name}`);
    if (s.type !== 'ClusterIP') out.push(`    type: ${s.type}`, `    externalTrafficPolicy: ${s.local ? 'Local' : 'Cluster'}`);
    else if (s.local) out.push('    internalTrafficPolicy: Local');
    out.push('    ports:');
    for (const p of s.ports) out.push(`      - {name: ${p.name}, port: ${p.port}, targetPort: ${p.targetPort}, protocol: ${p.protocol}}`);
    out.push('    backends:');
    for (const b of s.backends) out.push(`      - {address: ${b.address}, node: ${b.node}${b.terminating ? ', ready: false, serving: true, terminating: true' : ''}}`);
  }
  return out.join('\n') + '\n';
}

function edit(c: Cluster, r: (n: number) => number): string {
  const pick = <T>(xs: T[]): T => xs[r(xs.length)]!;
  const newBackend = (): Backend => {
    const node = pick(c.nodes);
    return { address: podAddress(node, ++c.counter), node, terminating: false };
  };
  const newService = (): Service => {
    const types = ['ClusterIP', 'NodePort', 'LoadBalancer'] as const;
    const ports: Port[] = [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }];
    return { name: `svc-${++c.counter}`, type: pick([...types]), local: r(4) === 0, ports, backends: Array.from({ length: 1 + r(5) }, newBackend) };
  };
  const s = c.services.length ? pick(c.services) : undefined;
  switch (r(11)) {
    case 0:
      c.services.push(newService());
      return 'add a service';
    case 1:
      if (c.services.length > 2) c.services.splice(c.services.indexOf(s!), 1);
      return 'remove a service';
    case 2:
      s!.type = pick(['ClusterIP', 'NodePort', 'LoadBalancer'] as const);
      return `retype ${s!.name} as ${s!.type}`;
    case 3:
      s!.backends.push(newBackend());
      return `add a backend to ${s!.name}`;
    case 4:
      if (s!.backends.length > 1) s!.backends.splice(r(s!.backends.length), 1);
      return `remove a backend of ${s!.name}`;
    case 5:
      if (s!.backends.length) s!.backends[r(s!.backends.length)] = newBackend();
      return `replace a backend of ${s!.name}`;
    case 6: {
      const p = pick(s!.ports);
      if (r(2)) p.targetPort = 8000 + r(100);
      else p.port = 80 + r(50) * (s!.ports.indexOf(p) + 1);
      if (new Set(s!.ports.map((x) => `${x.port}/${x.protocol}`)).size !== s!.ports.length) p.port = 1000 + s!.ports.indexOf(p);
      return `change a port of ${s!.name}`;
    }
    case 7:
      if (s!.ports.length < 3) s!.ports.push({ name: `p${s!.ports.length}`, port: 9000 + s!.ports.length, targetPort: 9000, protocol: r(2) ? 'UDP' : 'TCP' });
      else s!.ports.pop();
      return `add or drop a port of ${s!.name}`;
    case 8:
    case 9: {
      // Six nodes at most, two at least.
      if (c.nodes.length < 6 && (r(2) === 0 || c.nodes.length < 3)) {
        const free = [0, 1, 2, 3, 4, 5].find((i) => !c.nodes.includes(`node${i}`))!;
        c.nodes.push(`node${free}`);
        c.nodes.sort();
        return `add node${free}`;
      }
      const gone = pick(c.nodes);
      c.nodes.splice(c.nodes.indexOf(gone), 1);
      for (const svc of c.services) {
        svc.backends = svc.backends.filter((b) => b.node !== gone);
        if (!svc.backends.length) svc.backends.push(newBackend());
      }
      return `remove ${gone} and its backends`;
    }
    default: {
      s!.local = !s!.local;
      const b = s!.backends.length ? pick(s!.backends) : undefined;
      if (b && r(2)) b.terminating = !b.terminating;
      return `flip the traffic policy of ${s!.name}`;
    }
  }
}

function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

async function compile(spec: string, out: string, noCache?: string): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const before = process.env.SWITCHYARD_NO_CACHE;
  if (noCache) process.env.SWITCHYARD_NO_CACHE = noCache;
  else delete process.env.SWITCHYARD_NO_CACHE;
  try {
    const code = await main(['compile', spec, '-o', out], { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) }, cwd: process.cwd(), env: {} });
    return { code, stderr };
  } finally {
    if (before === undefined) delete process.env.SWITCHYARD_NO_CACHE;
    else process.env.SWITCHYARD_NO_CACHE = before;
  }
}

test(`${STEPS} random spec edits: every incremental compile writes what a compile from scratch writes`, async (t) => {
  t.timeout(10 * 60_000); // 202 compiles; on a busy 2-core machine that takes minutes
  const work = mkdtempSync(join(tmpdir(), 'sy-incr-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const spec = join(work, 'spec');
  const out = join(work, 'out');
  mkdirSync(spec);
  const r = rng(16);
  const c: Cluster = { nodes: ['node0', 'node1', 'node2'], services: [], counter: 0 };
  for (let i = 0; i < 6; i++) edit(c, () => 0); // six services to start with
  const done: string[] = [];
  for (let step = 0; step <= STEPS; step++) {
    const what = step === 0 ? 'first compile' : edit(c, r);
    done.push(what);
    writeFileSync(join(spec, 'cluster.yaml'), render(c));
    // The scratch compile starts from what a compile reads of the previous output, nothing
    // else: its lock (IDs, slots) and its manifest (generation). Every other file is new.
    const scratch = join(work, `scratch-${step}`);
    mkdirSync(join(scratch, 'incr'), { recursive: true });
    if (step > 0) for (const f of ['switchyard.lock', 'manifest.json']) cpSync(join(out, 'incr', f), join(scratch, 'incr', f));

    const incremental = await compile(spec, out);
    t.is(incremental.code, 0, `step ${step} (${what}): ${incremental.stderr}`);
    const all = step % 50 === 0;
    const fresh = await compile(spec, scratch, all ? '1' : INCREMENTAL_CACHES);
    t.is(fresh.code, 0, `step ${step} (${what}), from scratch: ${fresh.stderr}`);

    const a = files(join(out, 'incr'));
    const b = files(join(scratch, 'incr'));
    const differ = [...new Set([...a.keys(), ...b.keys()])].filter((f) => !a.get(f) || !b.get(f) || !a.get(f)!.equals(b.get(f)!));
    if (differ.length) {
      t.fail(`step ${step} (${what}): ${differ.join(', ')} differ from a compile from scratch; edits so far: ${done.join('; ')}`);
      return;
    }
    rmSync(scratch, { recursive: true, force: true });
  }
  t.pass();
});
