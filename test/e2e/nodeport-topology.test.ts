// The north-south test topology itself (test/helpers/ns-topology.ts), before any Switchyard
// program: the client reaches pods on both nodes through the router with its own address, and
// the finding about XDP on veth that the topology is built around: a frame that XDP sends back
// out of a veth (XDP_TX) reaches the peer only when the peer runs an XDP program itself.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../lang/helpers.ts';
import { buildObject } from '../../compiler/bpf/object.ts';
import { tempDir } from '../helpers/bpffs.ts';
import { kernelTest } from '../helpers/kernel.ts';
import { buildTopology, NS_TOPOLOGY_TOOLS } from '../helpers/ns-topology.ts';
import { parseReply, request, startServer, writeScripts } from './nodeport-peers.ts';

kernelTest('the client reaches pods on both nodes through the router, with its own address', async (t) => {
  const topo = buildTopology(t, { pods: [{ node: 0, address: '10.1.0.1' }, { node: 1, address: '10.2.0.1' }] });
  const s = writeScripts(t);
  for (const p of topo.pods) await startServer(t, s, p.ns, p.name, 8080);
  for (const p of topo.pods) {
    for (const mode of ['tcp', 'udp'] as const) {
      const r = request(s, topo.client, mode, p.address, 8080);
      t.deepEqual(r.errors, [], `${mode} to ${p.address}`);
      t.deepEqual(parseReply(r.replies[0]!), { pod: p.name, address: topo.clientAddress });
    }
  }
  // Node to node across the segment, and a pod of node 1 to a pod of node 2.
  t.is(parseReply(request(s, topo.pods[0]!.ns, 'tcp', '10.2.0.1', 8080).replies[0]!).address, '10.1.0.1');
}, NS_TOPOLOGY_TOOLS);

const reflector = `
import { EthHdr, Ipv4Hdr, UdpHdr, ETH_HLEN, ETH_P_IP, IPPROTO_UDP } from '../headers.ts';

/** Sends UDP datagrams to port 7 back where they came from (addresses, ports and MACs swapped). */
/** @section xdp */
export function reflect(ctx: XdpMd): u32 {
  const eth = ctx.header<EthHdr>(0);
  if (!eth || eth.h_proto !== htons(ETH_P_IP)) return XDP_PASS;
  const ip = ctx.header<Ipv4Hdr>(ETH_HLEN);
  if (!ip || ip.version_ihl !== 0x45 || ip.protocol !== IPPROTO_UDP) return XDP_PASS;
  const udp = ctx.header<UdpHdr>(ETH_HLEN + 20);
  if (!udp || udp.dest !== htons(7)) return XDP_PASS;
  const addr = ip.saddr;
  ip.saddr = ip.daddr;
  ip.daddr = addr;
  const port = udp.source;
  udp.source = udp.dest;
  udp.dest = port;
  const mac = zeroed<FixedArray<u8, 6>>();
  copy(mac, eth.h_dest);
  copy(eth.h_dest, eth.h_source);
  copy(eth.h_source, mac);
  return XDP_TX;
}
`;

kernelTest('XDP_TX on a veth reaches the peer only when the peer runs an XDP program', async (t) => {
  const topo = buildTopology(t, { pods: [] });
  const dir = tempDir(t, 'sy-reflect-');
  const r = compile(reflector);
  t.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  const obj = join(dir, 'reflect.o');
  writeFileSync(obj, buildObject(r.object).elf);
  const node1 = topo.nodes[0]!;
  node1.ns.run(['ip', 'link', 'set', 'dev', node1.device, 'xdp', 'obj', obj, 'sec', 'xdp']);
  const s = writeScripts(t);

  // The router's port of node 1's link has no XDP program: the reflected frame is dropped.
  const before = request(s, topo.client, 'udp', node1.address, 7, 1, 700);
  t.deepEqual(before.replies, []);
  t.deepEqual(before.errors, ['timeout']);

  topo.receiveXdp();
  const after = request(s, topo.client, 'udp', node1.address, 7, 1, 1500);
  t.deepEqual(after.errors, []);
  t.regex(after.replies[0] ?? '', /^hello 0/);
}, NS_TOPOLOGY_TOOLS);
