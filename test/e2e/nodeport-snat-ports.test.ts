// NodePort through SNAT must not drop first SYNs: a regression test for the SNAT port allocation
// (compiler/datapath/nodeport/snat.ts). node1's ct4 is first given a backend's worth of used
// SNAT ports towards pod5 (on node2), as a node has after a long run: a quarter held by live
// flows in one contiguous run, the rest by flows that ended (expired entries, which the LRU map
// never evicts while it has room). Then N sequential connects from node2 to node1's NodePort
// (backends pod1, pod2 local, pod5 remote by SNAT): none may need the 1 s SYN retransmit. Before
// the fix every flow to pod5 was dropped here (expired entries held their ports for good, and
// the tries from one random start ran into the live run); a 1% loss passes unseen with
// probability 0.99^N.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelTest } from '../helpers/kernel.ts';
import { liveNode, NODE_PORT, type LoopResult } from './agent-node.ts';
import { clientArgv } from './pod-servers.ts';

const N = 600;
const SNAT_PORT_MIN = 61000;
const SNAT_PORT_COUNT = 4536;
/** The live run: a quarter of the range, so that 16 independent tries all landing in it is ~2e-10. */
const LIVE = SNAT_PORT_COUNT / 4;

const hex = (bytes: number[]) => bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ');
const be16 = (n: number) => [n >> 8, n & 0xff];
const ipv4 = (a: string) => a.split('.').map(Number);
const le64 = (n: bigint) => Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));

/**
 * bpftool batch lines that fill ct4 with the reply entries of SNAT flows node1 → pod5:80, one per
 * port. Layouts of ct4_key (16 bytes) and ct4_value (48 bytes, little-endian host) as in
 * compiler/datapath/lb/structs.ts; flags CT_REPLY (key) and CT_SNAT (value).
 */
function usedPorts(pin: string, backend: string, node: string): string {
  const lines: string[] = [];
  for (let i = 0; i < SNAT_PORT_COUNT; i++) {
    const key = [...ipv4(backend), ...ipv4(node), ...be16(80), ...be16(SNAT_PORT_MIN + i), 6, 1, 0, 0];
    const lifetime = i < LIVE ? 0xffff_ffff_ffff_ffffn : 1n;
    const value = [...le64(lifetime), 0, 0, 0, 0, 0, 0, 1, 0, ...new Array<number>(32).fill(0)];
    lines.push(`map update pinned ${pin} key hex ${hex(key)} value hex ${hex(value)}`);
  }
  return lines.join('\n') + '\n';
}

/** TcpExt TCPSynRetrans of the namespace `enter` runs in (/proc/net/netstat). */
function synRetrans(enter: string[]): number {
  const r = spawnSync(enter[0]!, [...enter.slice(1), 'cat', '/proc/net/netstat'], { encoding: 'utf8' });
  const [names, values] = r.stdout.split('\n').filter((l) => l.startsWith('TcpExt:'));
  const i = names!.split(' ').indexOf('TCPSynRetrans');
  return Number(values!.split(' ')[i]);
}

kernelTest(
  `NodePort by SNAT: ${N} sequential connects with the SNAT range used up by ended and live flows, no first SYN lost`,
  async (t) => {
    const node = await liveNode(t);
    const node1 = node.topo.node('node1');
    const node2 = node.topo.node('node2');
    node.publish(node.compile()); // revision 1: pod1, pod2 (node1) and pod5 (node2)
    const applied = node.cli(['apply', node.dir, '--cgroup', node1.cgroup.relative, '--device', node1.device]);
    t.is(applied.status, 0, applied.stderr);

    const pin = spawnSync('find', [node.bpffs, '-name', 'ct4'], { encoding: 'utf8' }).stdout.trim();
    t.truthy(pin, 'ct4 is pinned');
    const batch = join(node.work, 'ct4-used-ports.batch');
    writeFileSync(batch, usedPorts(pin, node.topo.pod('pod5').v4, node1.v4));
    const filled = spawnSync('bpftool', ['batch', 'file', batch], { encoding: 'utf8' });
    t.is(filled.status, 0, filled.stderr);

    const before = synRetrans(node2.ns.enter);
    // Bounded in time only so that a datapath that loses SYNs fails here instead of timing out
    // (each loss costs a second); a working one makes all N long before.
    const argv = clientArgv(node2, node2.ns, { op: 'loop', host: node1.v4, port: NODE_PORT, count: N, ms: 30_000 });
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
    t.is(r.status, 0, r.stderr);
    const loop = JSON.parse(r.stdout) as LoopResult;
    const retransmits = synRetrans(node2.ns.enter) - before;

    t.deepEqual(loop.errors, {}, 'no connect failed');
    t.is(loop.slow, 0, `connects that took the 1 s SYN retransmit, of ${loop.connects}`);
    t.is(retransmits, 0, 'TCPSynRetrans in the client namespace');
    t.is(loop.connects, N, 'all connects made');
    t.true((loop.backends.pod5 ?? 0) > N / 10, `flows went by SNAT to the remote pod5: ${JSON.stringify(loop.backends)}`);
    t.log(`${loop.connects} connects, ${loop.slow} took 1 s or more, ${retransmits} SYN retransmits: ${JSON.stringify(loop.backends)}`);
  },
  ['bpftool'],
);
