// The whole life of a node, in namespaces, veths and a cgroup the test creates: apply → status →
// dump → traffic through the programs → apply changed artifacts (maps diffed, programs swapped
// in place by BPF_LINK_UPDATE) → remove. switchyard-node runs as its own process, as on a node.

import type { ExecutionContext } from 'ava';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { kernelTestSerial } from '../helpers/kernel.ts';
import { createNetns, NETNS_TOOLS, vethBetween, type Netns } from '../helpers/netns.ts';
import { createCgroup, type TestCgroup } from '../helpers/cgroup.ts';
import { mountBpffs, tempDir } from '../helpers/bpffs.ts';
import { runNodeCli, type CliResult } from './cli-runner.ts';
import { socklbArtifacts } from './socklb-artifacts.ts';

function ok(t: ExecutionContext, r: CliResult, what: string): string {
  t.is(r.status, 0, `${what} failed:\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

/** A TCP server in `ns` on 127.0.0.1:port that answers every connection with `name`. */
function startServer(t: ExecutionContext, ns: Netns, port: number, name: string): Promise<void> {
  const code = `require('net').createServer((s) => s.end('${name}')).listen(${port}, '127.0.0.1', () => console.log('up'))`;
  const child = spawn(ns.enter[0]!, [...ns.enter.slice(1), process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => child.kill());
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (c) => reject(new Error(`server ${name} exited ${c}`)));
  });
}

/** Connects from a process inside the cgroup and namespace to vip:port; returns what it read. */
function connectFromCgroup(ns: Netns, cg: TestCgroup, vip: string, port: number): string {
  const code = `const s=require('net').connect(${port},'${vip}');let d='';s.on('data',(b)=>d+=b);s.on('end',()=>{console.log(d);process.exit()});s.on('error',(e)=>{console.log('error '+e.code);process.exit()});setTimeout(()=>{console.log('timeout');process.exit()},3000)`;
  const r = spawnSync(ns.enter[0]!, [...ns.enter.slice(1), 'sh', '-c', `${cg.joinScript} "$0" -e "$1"`, process.execPath, code], { encoding: 'utf8' });
  return r.stdout.trim();
}

/** Sends `n` UDP datagrams from `ns` to addr:9 (no listener needed: the hooks see them arrive). */
function sendUdp(ns: Netns, addr: string, n: number): void {
  const code = `const s=require('dgram').createSocket('udp4');let i=0;const go=()=>{if(i++==${n})return s.close();s.send('x',9,'${addr}',()=>setTimeout(go,20))};go()`;
  ns.run([process.execPath, '-e', code]);
}

function packetCounters(t: ExecutionContext, bpffs: string, node: string, ns: Netns): { xdp: number; tc: number; egress: number } {
  const r = runNodeCli(['dump', 'packets', '--bpffs', bpffs, '--node', node], { netns: ns });
  const out = ok(t, r, 'dump packets');
  const value = (k: number) => Number(new RegExp(`^  ${k} → (\\d+)$`, 'm').exec(out)?.[1] ?? 0);
  return { xdp: value(0), tc: value(1), egress: value(2) };
}

kernelTestSerial('apply, status, dump, traffic, apply changed artifacts, remove', async (t) => {
  const bpffs = mountBpffs(t);
  const work = tempDir(t);
  const state = join(work, 'state');
  const art = join(work, 'generated');
  const client = createNetns(t, 'syc');
  const node = createNetns(t, 'syn');
  const { devB } = vethBetween(client, node, '10.201.0.1/24', '10.201.0.2/24');
  const cg = createCgroup(t);
  const name = 'node-a.example';
  await startServer(t, node, 8081, 'backend-1');
  await startServer(t, node, 8082, 'backend-2');

  socklbArtifacts(art, name, [{ vip: '192.0.2.10', port: 80, backends: [1] }], [{ id: 1, addr: '127.0.0.1', port: 8081 }]);
  const common = ['--node', name, '--bpffs', bpffs, '--state', state];
  const first = ok(t, runNodeCli(['apply', art, ...common, '--device', devB, '--cgroup', cg.relative], { netns: node }), 'first apply');
  t.regex(first, /map services: added 2, changed 0, removed 0 → 2 entries/);
  t.regex(first, /link sock4_connect@cgroup: created and pinned/);
  t.regex(first, new RegExp(`link xdp_count@${devB}: created and pinned`));
  t.regex(first, new RegExp(`link tc_count@${devB}: created and pinned`));
  t.regex(first, new RegExp(`link tc_egress_count@${devB}: created and pinned`));
  t.regex(node.run(['ip', 'link', 'show', devB]), /xdp/, 'the kernel shows the XDP program on the device');
  // Pins and state are for root only.
  const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);
  const nodeDir = join(bpffs, 'node-a%2eexample');
  t.is(mode(nodeDir), '700');
  t.is(mode(join(nodeDir, 'maps', 'services')), '600');
  t.is(mode(join(nodeDir, 'links', 'sock4_connect@cgroup')), '600');
  t.is(mode(join(state, name, 'index.json')), '600');
  for (const f of readdirSync(join(state, name, 'contents'))) t.is(mode(join(state, name, 'contents', f)), '600');

  const status = ok(t, runNodeCli(['status', ...common]), 'status');
  t.regex(status, /cluster test, manifest [0-9a-f]{12} applied/);
  t.regex(status, /services: hash key 8 B, value 4 B, max 64, id \d+, 2 entries; in sync with the last apply/);
  t.regex(status, /sock4_connect @ cgroup: cgroup_inet4_connect on cgroup id \d+, program sock4_connect/);
  t.regex(status, new RegExp(`xdp_count @ ${devB}: xdp on ifindex \\d+`));
  t.regex(status, new RegExp(`tc_count @ ${devB}: tcx_ingress on ifindex \\d+`));
  t.regex(status, new RegExp(`tc_egress_count @ ${devB}: tcx_egress on ifindex \\d+`));

  const dump = ok(t, runNodeCli(['dump', 'services', ...common.slice(0, 4)]), 'dump');
  t.regex(dump, /\{ vip = 192\.0\.2\.10, port = 80, slot = 0 \} → \{ backend = 1 \}/, 'decoded with the object BTF');
  t.regex(dump, /\{ vip = 192\.0\.2\.10, port = 80, slot = 1 \} → \{ backend = 1 \}/);
  const backends = ok(t, runNodeCli(['dump', 'backends', ...common.slice(0, 4)]), 'dump backends');
  t.regex(backends, /1 → \{ addr = 127\.0\.0\.1, port = 8081, pad = 0 \}/);

  // Traffic: the socket LB in the cgroup, the packet counters on the node's veth.
  t.is(connectFromCgroup(node, cg, '192.0.2.10', 80), 'backend-1');
  sendUdp(client, '10.201.0.2', 3);
  const before = packetCounters(t, bpffs, name, node);
  t.true(before.xdp >= 3 && before.tc >= 3, `counters after 3 datagrams: ${JSON.stringify(before)}`);
  t.true(before.egress >= 1, `the node answered (ARP, ICMP port unreachable) through tcx egress: ${JSON.stringify(before)}`);

  // Links by id before the update: the update must swap programs inside the same links.
  const linkIds = (s: string) => [...s.matchAll(/link id (\d+)/g)].map((m) => m[1]).sort();
  const idsBefore = linkIds(status);

  // New artifacts: the service moves to backend 2, a second service appears, and the program
  // changes (variant 2 counts two per packet).
  socklbArtifacts(
    art,
    name,
    [{ vip: '192.0.2.10', port: 80, backends: [2] }, { vip: '192.0.2.11', port: 80, backends: [1, 2] }],
    [{ id: 1, addr: '127.0.0.1', port: 8081 }, { id: 2, addr: '127.0.0.1', port: 8082 }],
    { variant: 2 },
  );
  const second = ok(t, runNodeCli(['apply', art, ...common, '--device', devB, '--cgroup', cg.relative], { netns: node }), 'second apply');
  t.regex(second, /map backends: added 1, changed 0, removed 0 → 2 entries \(diffed against the last apply\)/);
  t.regex(second, /map services: added 3, changed 1, removed 0 → 5 entries/);
  t.regex(second, new RegExp(`link xdp_count@${devB}: program swapped \\(BPF_LINK_UPDATE\\)`));
  const status2 = ok(t, runNodeCli(['status', ...common]), 'status after update');
  t.deepEqual(linkIds(status2), idsBefore, 'the same links, with new programs inside');
  t.is(connectFromCgroup(node, cg, '192.0.2.10', 80), 'backend-2');
  t.regex(connectFromCgroup(node, cg, '192.0.2.11', 80), /^backend-[12]$/);
  sendUdp(client, '10.201.0.2', 2);
  const after = packetCounters(t, bpffs, name, node);
  t.true(after.xdp >= before.xdp + 4, `the counters map survived the update and the new program counts 2 per packet: ${JSON.stringify({ before, after })}`);

  // The same artifacts again: nothing to do.
  const again = ok(t, runNodeCli(['apply', art, ...common, '--device', devB, '--cgroup', cg.relative], { netns: node }), 'third apply');
  t.regex(again, /programs: unchanged/);
  t.regex(again, /already up to date/);

  const removed = ok(t, runNodeCli(['remove', ...common]), 'remove');
  t.regex(removed, /link sock4_connect@cgroup: detached and unpinned/);
  t.false(existsSync(join(bpffs, 'node-a%2eexample')));
  t.deepEqual(readdirSync(bpffs).filter((f) => !f.endsWith('.debug')), []);
  t.false(existsSync(join(state, name)), 'the snapshot is gone too');
  t.regex(connectFromCgroup(node, cg, '192.0.2.10', 80), /^error /, 'no socket LB after remove');
  t.notRegex(node.run(['ip', 'link', 'show', devB]), /xdp/);
}, NETNS_TOOLS);
