// Fuzzing the datapath without root: random flows and random or mutated frames through the
// talk's two-node cluster (fixtures/talk-snat, compiled with a 64-entry conntrack map so that
// eviction happens), checking the invariants a kube-proxy replacement must keep:
//   - a flow that reaches a pod reaches a backend of the tables, never another address;
//   - the backend's answer leaves the cluster translated back to the frontend the client used;
//   - malformed frames pass, drop or are redirected, never make a program fail, and enter pods
//     only at backends;
//   - conntrack never holds more entries than its map's size.
// The seed is printed; FUZZ_SEED=N reproduces a run.

import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SimNode } from '../../simulate/node.ts';
import { seededRandom } from '../../simulate/random.ts';
import { buildFrame } from '../../simulate/packet/build.ts';
import { decodeFrame } from '../../simulate/packet/decode.ts';
import { formatPacket, type PacketSpec } from '../../simulate/packet/syntax.ts';
import { TraceCluster } from '../../simulate/trace/cluster.ts';
import { Walker } from '../../simulate/trace/walk.ts';
import { run } from './cli-run.ts';

const CT_SIZE = 64;
const FLOWS = 400;
const FRAMES = 3000;
const seed = Number(process.env.FUZZ_SEED ?? 20261207);

/** Frontends reachable from outside the talk cluster, as address:port/proto, per family. */
const frontends: Array<{ dst: string; port: number; proto: 'tcp' | 'udp'; family: 4 | 6 }> = [
  { dst: '10.0.0.1', port: 30001, proto: 'tcp', family: 4 },
  { dst: '10.0.0.2', port: 30001, proto: 'tcp', family: 4 },
  { dst: 'fd00:10::1', port: 30001, proto: 'tcp', family: 6 },
  { dst: '10.3.0.3', port: 80, proto: 'tcp', family: 4 },
  { dst: '10.3.0.4', port: 80, proto: 'tcp', family: 4 },
  { dst: '10.0.0.2', port: 30002, proto: 'tcp', family: 4 },
  { dst: '10.0.0.1', port: 30004, proto: 'tcp', family: 4 },
  // Not a frontend: the datapath must leave it alone.
  { dst: '10.0.0.1', port: 22, proto: 'tcp', family: 4 },
];

const hostPort = (family: number, a: string, port: number): string => (family === 6 ? `[${a}]:${port}` : `${a}:${port}`);

test.before(async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'sy-fuzz-'));
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  const spec = readFileSync('test/simulate/fixtures/talk-snat/cluster.yaml', 'utf8').replace('  datapath:', `  maps: { conntrack: ${CT_SIZE} }\n  datapath:`);
  mkdirSync(join(root, 'spec'));
  writeFileSync(join(root, 'spec', 'cluster.yaml'), spec);
  const r = await run(['compile', join(root, 'spec'), '-o', join(root, 'out')]);
  if (r.code !== 0) throw new Error(r.stderr);
  (t.context as { dir: string }).dir = join(root, 'out', 'talk');
});

function backendsOf(dir: string): Set<string> {
  const lines = readFileSync(join(dir, 'backends.txt'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  return new Set(lines.map((l) => l.split(' ')[1]!.replace(/\/(TCP|UDP)$/, '')));
}

function checkConntrack(t: import('ava').ExecutionContext, sims: SimNode[], when: string): boolean {
  for (const sim of sims)
    for (const name of ['ct4', 'ct6']) {
      const size = sim.maps.get(name)!.size;
      if (size > CT_SIZE) {
        t.fail(`${name} holds ${size} entries, more than its ${CT_SIZE}, ${when}`);
        return false;
      }
    }
  return true;
}

test('random flows reach only backends of the tables, answers come back as the frontend, conntrack stays within its map', async (t) => {
  t.log(`seed ${seed}`);
  const dir = (t.context as { dir: string }).dir;
  const backends = backendsOf(dir);
  const cluster = TraceCluster.open(dir, seed, false);
  const walker = new Walker(cluster, new Map(), { lines: false });
  const sims = [await cluster.sim('node1'), await cluster.sim('node2')];
  const random = seededRandom(seed);
  let reached = 0;
  for (let i = 0; i < FLOWS; i++) {
    const f = frontends[random() % frontends.length]!;
    const r = random();
    const src = f.family === 4 ? `${r & 1 ? '198.51.100' : '203.0.113'}.${1 + ((r >>> 1) % 254)}` : `2001:db8::${((r >>> 8) & 0xffff).toString(16)}`;
    const p: PacketSpec = { proto: f.proto, family: f.family, src, dst: f.dst, sport: 1024 + (random() % 64000), dport: f.port, flags: ['syn'] };
    const node = random() & 1 ? 'node1' : 'node2';
    const tr = await walker.fromClient(node, p, formatPacket(p));
    const what = `${formatPacket(p)} into ${node}`;
    if (tr.outcome.to === 'pod') {
      reached++;
      const got = tr.outcome.packet!;
      if (!backends.has(hostPort(got.family, got.dst, got.dport))) t.fail(`${what} reached ${got.dst}:${got.dport}, which is no backend`);
      if (tr.reply?.to !== 'client') t.fail(`${what}: the answer ended ${tr.reply?.to} (${tr.reply?.why ?? ''})`);
      const back = tr.reply?.packet;
      if (back && (back.src !== p.dst || back.sport !== p.dport || back.dst !== p.src || back.dport !== p.sport)) t.fail(`${what}: answered as ${formatPacket(back)}`);
    } else if (p.dport === 22 && tr.outcome.to !== 'host') {
      t.fail(`${what}: not a frontend, yet ${tr.outcome.to}`);
    }
    if (!checkConntrack(t, sims, `after ${what}`)) return;
  }
  t.log(`${reached} of ${FLOWS} flows reached a backend`);
  t.true(reached > FLOWS / 4, 'enough flows reach a backend for the checks to mean something');
  t.true(sims.some((s) => s.maps.get('ct4')!.size === CT_SIZE), 'conntrack filled up, so eviction was exercised');
});

test('random and mutated frames pass, drop or are redirected by every program, never make one fail, and enter pods only at backends', async (t) => {
  const dir = (t.context as { dir: string }).dir;
  const backends = backendsOf(dir);
  const cluster = TraceCluster.open(dir, seed, false);
  const sims = [await cluster.sim('node1'), await cluster.sim('node2')];
  const random = seededRandom(seed ^ 0x5a5a5a5a);
  const seeds = frontends.map((f) => buildFrame({ proto: f.proto, family: f.family, src: f.family === 4 ? '198.51.100.7' : '2001:db8::7', dst: f.dst, sport: 40000, dport: f.port, flags: ['syn'] }));
  const verdicts = new Map<string, number>();
  let intoPods = 0;
  for (let i = 0; i < FRAMES; i++) {
    let frame: Uint8Array;
    const kind = random() % 4;
    if (kind === 0) {
      frame = new Uint8Array(14 + (random() % 120)).map(() => random() & 0xff);
      // Half of them with an IP ethertype, so that the parsers see garbage headers too.
      if (random() & 1) frame.set(random() & 1 ? [0x08, 0x00] : [0x86, 0xdd], 12);
    } else {
      frame = seeds[random() % seeds.length]!.slice();
      for (let n = 1 + (random() % 4); n > 0; n--) frame[14 + (random() % (frame.length - 14))] = random() & 0xff;
      if (kind === 3) frame = frame.subarray(0, 14 + (random() % (frame.length - 13)));
    }
    for (const sim of sims)
      for (const hook of ['tc-ingress', 'tc-egress'] as const) {
        let r;
        try {
          r = sim.runPacket({ hook, ifindex: 2, packet: frame });
        } catch (e) {
          t.fail(`${hook} threw on ${Buffer.from(frame).toString('hex')}: ${(e as Error).message}`);
          return;
        }
        verdicts.set(r.verdict, (verdicts.get(r.verdict) ?? 0) + 1);
        // Into a pod: only ever a backend of the tables, however mangled the frame that got there.
        const into = r.redirect?.kind === 'redirect_peer' ? decodeFrame(r.packet).packet : undefined;
        if (into) intoPods++;
        if (into && !backends.has(hostPort(into.family, into.dst, into.dport))) {
          t.fail(`${hook} sent ${formatPacket(into)} into a pod, which is no backend (frame ${Buffer.from(frame).toString('hex')})`);
          return;
        }
        if (!['pass', 'drop', 'redirect'].includes(r.verdict)) {
          t.fail(`${hook} returned ${r.verdict} (${r.code}) on ${Buffer.from(frame).toString('hex')}: ${JSON.stringify(decodeFrame(frame))}`);
          return;
        }
      }
    if (!checkConntrack(t, sims, `after frame ${i}`)) return;
  }
  t.log(`verdicts over ${FRAMES} frames × 2 nodes × 2 hooks: ${[...verdicts].map(([v, n]) => `${v} ${n}`).join(', ')}`);
  t.log(`${intoPods} of them into a pod`);
  t.true((verdicts.get('pass') ?? 0) > 0 && (verdicts.get('redirect') ?? 0) > 0, 'mutations keep some frames valid and break others');
  t.true(intoPods > 0, 'some frames reach a pod, so the backend check means something');
});
