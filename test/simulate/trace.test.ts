// `switchyard trace` on the talk's two-node scenarios, without root: NodePort to a remote
// backend by SNAT and by DSR, externalTrafficPolicy: Local, and a LoadBalancer IP with source
// ranges (fixtures/talk-*). Each asserts where the packet and the backend's answer end up, which
// is what a wrong translation, a missing conntrack entry or a lost option would change.

import test from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFrame } from '../../simulate/packet/build.ts';
import { writePcap } from '../../simulate/packet/pcap.ts';
import { formatPacket, parsePacket } from '../../simulate/packet/syntax.ts';
import { TraceCluster } from '../../simulate/trace/cluster.ts';
import { readMapLayouts } from '../../simulate/trace/map-layouts.ts';
import { Walker, type Outcome } from '../../simulate/trace/walk.ts';
import { compiledFixture, run } from './cli-run.ts';

async function walker(fixture: string): Promise<Walker> {
  const dir = await compiledFixture(fixture);
  return new Walker(TraceCluster.open(dir), readMapLayouts(dir));
}

const trace = (w: Walker, node: string, p: string) => w.fromClient(node, parsePacket(p), p);
const at = (o: Outcome | undefined): string => (o ? `${o.to}@${o.node}: ${o.packet ? formatPacket(o.packet) : o.why}` : 'none');

test('SNAT: a NodePort on node1 reaches node2’s backend from node1’s address, and the answer goes back through node1', async (t) => {
  const w = await walker('talk-snat');
  const syn = await trace(w, 'node1', 'tcp 198.51.100.7:40000 > 10.0.0.1:30001 syn');
  t.is(syn.outcome.to, 'pod', at(syn.outcome));
  t.is(syn.outcome.node, 'node2');
  t.like(syn.outcome.packet, { src: '10.0.0.1', dst: '10.2.0.1', dport: 80 });
  t.is(at(syn.reply), 'client@node1: tcp 10.0.0.1:30001 > 198.51.100.7:40000 syn ack');
  // The flow's next packet takes the SNAT port conntrack gave the first.
  const ack = await trace(w, 'node1', 'tcp 198.51.100.7:40000 > 10.0.0.1:30001 ack');
  t.is(ack.outcome.packet?.sport, syn.outcome.packet?.sport);
  t.true(ack.events.some((e) => e.kind === 'program' && e.mapOps.some((m) => m.map === 'ct4' && m.op === 'lookup' && m.result === 'ok')));
  t.is(at(ack.reply), 'client@node1: tcp 10.0.0.1:30001 > 198.51.100.7:40000 ack');
});

test('DSR: node2’s backend sees the client’s address, the option carries the frontend, and node2 answers directly as the frontend', async (t) => {
  const w = await walker('talk-dsr');
  const syn = await trace(w, 'node1', 'tcp 198.51.100.7:40000 > 10.0.0.1:30001 syn');
  t.is(at(syn.outcome), 'pod@node2: tcp 198.51.100.7:40000 > 10.2.0.1:80 syn');
  const first = syn.events.find((e) => e.kind === 'program');
  t.regex(first?.kind === 'program' ? first.after : '', /\+8 option bytes/);
  t.is(at(syn.reply), 'client@node2: tcp 10.0.0.1:30001 > 198.51.100.7:40000 syn ack');
});

for (const fixture of ['talk-snat', 'talk-dsr']) {
  test(`${fixture}: externalTrafficPolicy Local drops on a node without a backend and keeps the client address on one with`, async (t) => {
    const w = await walker(fixture);
    const far = await trace(w, 'node1', 'tcp 198.51.100.8:40000 > 10.3.0.3:80 syn');
    t.is(far.outcome.to, 'drop', at(far.outcome));
    t.is(far.outcome.node, 'node1');
    const near = await trace(w, 'node2', 'tcp 198.51.100.8:40000 > 10.3.0.3:80 syn');
    t.is(at(near.outcome), 'pod@node2: tcp 198.51.100.8:40000 > 10.2.0.2:80 syn');
    t.is(at(near.reply), 'client@node2: tcp 10.3.0.3:80 > 198.51.100.8:40000 syn ack');
  });

  test(`${fixture}: a LoadBalancer IP with source ranges admits 198.51.100.0/24 and drops others`, async (t) => {
    const w = await walker(fixture);
    const inside = await trace(w, 'node1', 'tcp 198.51.100.7:40001 > 10.3.0.4:80 syn');
    t.is(inside.outcome.to, 'pod', at(inside.outcome));
    t.like(inside.outcome.packet, { dst: '10.2.0.3', dport: 80 });
    t.like(inside.reply?.packet, { src: '10.3.0.4', sport: 80, dst: '198.51.100.7', dport: 40001 });
    const outside = await trace(w, 'node1', 'tcp 203.0.113.9:40001 > 10.3.0.4:80 syn');
    t.is(outside.outcome.to, 'drop', at(outside.outcome));
  });
}

test('IPv6: a NodePort on node1’s IPv6 address reaches node2’s IPv6 backend and the answer comes back as the frontend', async (t) => {
  const w = await walker('talk-snat');
  const r = await trace(w, 'node1', 'tcp [2001:db8::7]:40000 > [fd00:10::1]:30001 syn');
  t.is(r.outcome.to, 'pod', at(r.outcome));
  t.like(r.outcome.packet, { dst: 'fd00:10:2::1', dport: 80 });
  t.like(r.reply?.packet, { src: 'fd00:10::1', sport: 30001, dst: '2001:db8::7', dport: 40000 });
});

test('switchyard trace prints hooks, verdicts, headers, decoded map entries and source lines; --json holds the same', async (t) => {
  const dir = await compiledFixture('talk-snat');
  const text = await run(['trace', dir, '--node', 'node1', 'tcp 198.51.100.7:40000 > 10.0.0.1:30001 syn']);
  t.is(text.code, 0, text.stderr);
  t.regex(text.stdout, /node1 eth0 tc-ingress \(nodeport_ingress\): redirect → eth0 \(bpf_redirect\)/);
  t.regex(text.stdout, /→ {2}tcp 10\.0\.0\.1:\d+ > 10\.2\.0\.1:80 syn/);
  t.regex(text.stdout, /map {6}update ct4 \{saddr=198\.51\.100\.7, daddr=10\.0\.0\.1, sport=40000, dport=30001/);
  t.regex(text.stdout, /source {3}compiler\/datapath\/nodeport\/lb4\.ts:\d+ {2}/);
  t.regex(text.stdout, /<= answer leaves the cluster from node1: tcp 10\.0\.0\.1:30001 > 198\.51\.100\.7:40000 syn ack/);
  const json = await run(['trace', dir, '--node', 'node1', '--json', 'tcp', '198.51.100.7:40000', '>', '10.0.0.1:30001', 'syn']);
  t.is(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout) as { packets: Array<{ outcome: Outcome; events: Array<{ kind: string; lines?: unknown[] }> }> };
  t.is(parsed.packets.length, 1);
  t.is(parsed.packets[0]!.outcome.to, 'pod');
  t.true(parsed.packets[0]!.events.some((e) => e.kind === 'program' && (e.lines?.length ?? 0) > 0));
});

test('switchyard trace --connect runs the socket hook: a ClusterIP is translated to its backend', async (t) => {
  const dir = await compiledFixture('talk-snat');
  const r = await run(['trace', dir, '--node', 'node1', '--brief', '--connect', '10.5.0.2:80/tcp']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /connect 1: 10\.5\.0\.2:80\/tcp on node1 \(connect4\)\n {2}allowed: 10\.5\.0\.2:80 → 10\.2\.0\.1:80/);
});

test('switchyard trace --pcap follows captured frames as it follows written packets', async (t) => {
  const dir = await compiledFixture('talk-snat');
  const tmp = mkdtempSync(join(tmpdir(), 'sy-pcap-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  // A capture from another network: its MACs are not the simulated node's, and are replaced.
  const frame = buildFrame(parsePacket('udp 198.51.100.9:5000 > 10.0.0.1:30001'), { srcMac: '0a:0b:0c:0d:0e:0f', dstMac: '0a:0b:0c:0d:0e:01' });
  const tcp = buildFrame(parsePacket('tcp 198.51.100.9:5000 > 10.0.0.1:30001 syn'), { srcMac: '0a:0b:0c:0d:0e:0f', dstMac: '0a:0b:0c:0d:0e:01' });
  writeFileSync(join(tmp, 'in.pcap'), writePcap([frame, tcp]));
  const r = await run(['trace', dir, '--node', 'node1', '--brief', '--pcap', join(tmp, 'in.pcap')]);
  t.is(r.code, 0, r.stderr);
  // The NodePort is TCP only: the UDP datagram goes to node1's stack, the SYN to the backend.
  t.regex(r.stdout, /packet 1: .*in\.pcap #1\n[\s\S]*=> taken by node1's own stack/);
  // writePcap stamps its frames a second apart: the clock runs that second between them.
  t.regex(r.stdout, /packet 2: .*in\.pcap #2 \(after 1 s\)\n[\s\S]*=> reaches a pod on node2: tcp 10\.0\.0\.1:\d+ > 10\.2\.0\.1:80 syn/);
});

test('switchyard trace: unknown nodes, bad packets and missing inputs are errors that say what to write', async (t) => {
  const dir = await compiledFixture('talk-snat');
  const node = await run(['trace', dir, '--node', 'node9', 'tcp 198.51.100.7:1 > 10.0.0.1:30001']);
  t.is(node.code, 2);
  t.regex(node.stderr, /node node9 is not in .* its nodes: node1, node2/);
  const bad = await run(['trace', dir, '--node', 'node1', 'tcp 198.51.100.7:1 > 10.0.0.1 syn']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /10\.0\.0\.1 is not address:port .* write it like 'tcp 198\.51\.100\.7:40000 > 10\.0\.0\.1:30001 syn'/);
  const none = await run(['trace', dir, '--node', 'node1']);
  t.is(none.code, 2);
  t.regex(none.stderr, /nothing to trace/);
  const noDir = await run(['trace', 'no/such/dir', '--node', 'node1', 'tcp 198.51.100.7:1 > 10.0.0.1:30001']);
  t.is(noDir.code, 2);
  t.regex(noDir.stderr, /holds no manifest\.json/);
});

test('XDP: a NodePort to a remote backend leaves node1 by XDP_TX, SNATed, and its answer too; a local backend is handed to tc', async (t) => {
  const w = await walker('talk-xdp');
  const syn = await trace(w, 'node1', 'tcp 198.51.100.7:40000 > 10.0.0.1:30001 syn');
  const first = syn.events.find((e) => e.kind === 'program');
  t.like(first, { hook: 'xdp', verdict: 'tx' });
  t.like(syn.outcome.packet, { src: '10.0.0.1', dst: '10.2.0.1', dport: 80 });
  t.is(at(syn.reply), 'client@node1: tcp 10.0.0.1:30001 > 198.51.100.7:40000 syn ack');
  const local = await trace(w, 'node2', 'tcp 198.51.100.8:40000 > 10.3.0.3:80 syn');
  t.deepEqual(
    local.events.flatMap((e) => (e.kind === 'program' ? [`${e.hook} ${e.verdict}`] : [])).slice(0, 2),
    ['xdp pass', 'tc-ingress redirect'],
  );
  t.is(at(local.reply), 'client@node2: tcp 10.3.0.3:80 > 198.51.100.8:40000 syn ack');
});

test('switchyard trace is reproducible for a seed, --no-reply stops at the pod, a bad --seed is an error', async (t) => {
  const dir = await compiledFixture('talk-snat');
  const args = ['trace', dir, '--node', 'node1', '--brief', 'tcp 198.51.100.7:40000 > 10.0.0.1:30001 syn'];
  const a = await run([...args, '--seed', '5']);
  t.is(a.code, 0, a.stderr);
  t.is((await run([...args, '--seed', '5'])).stdout, a.stdout);
  const quiet = await run([...args, '--no-reply']);
  t.notRegex(quiet.stdout, /answer/);
  t.regex(quiet.stdout, /=> reaches a pod on node2/);
  const bad = await run([...args, '--seed', 'x']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--seed x is not an integer/);
});

test('switchyard trace +SECONDS lets conntrack age: a SYN’s entry outlives 30 s, not 61 s, and then the flow is translated anew', async (t) => {
  const dir = await compiledFixture('talk-snat');
  const ports = async (wait: string): Promise<number[]> => {
    const r = await run(['trace', dir, '--node', 'node1', '--json', 'tcp 198.51.100.7:40000 > 10.0.0.1:30001 syn', wait, 'tcp 198.51.100.7:40000 > 10.0.0.1:30001 ack']);
    t.is(r.code, 0, r.stderr);
    const parsed = JSON.parse(r.stdout) as { packets: Array<{ outcome: Outcome; waitedSeconds?: number }> };
    t.is(parsed.packets[1]!.waitedSeconds, Number(wait.slice(1, -1)));
    return parsed.packets.map((p) => p.outcome.packet!.sport);
  };
  const [a, b] = await ports('+30s');
  t.is(b, a, 'within the SYN entry’s 60 s the flow keeps its SNAT port');
  const [c, d] = await ports('+61s');
  t.not(d, c, 'after 60 s the entry has expired and the flow gets a new SNAT port');
});
