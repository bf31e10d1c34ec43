// Backend choice on the north-south path (the LB core's, driven from here), on tc and XDP:
// sessionAffinity ClientIP keeps a client's new flows on one backend; Maglev picks the backend
// from the service's table by a hash of the 5-tuple, so two nodes (two datapaths with the same
// tables) send the same flow to the same backend, and every backend of the table gets flows.

import { packetTest } from './packet-test.ts';
import * as L from '../../compiler/emit/map-layouts.ts';
import { mapUpdate } from '../../runtime/sys/bpf-map.ts';
import { enterPacketNetns, loadNodeport, type Datapath } from './harness.ts';
import { CLIENT, NODE, packet, scene } from './scene.ts';
import { encodeStruct, putNodeConfig, putService4 } from './tables.ts';

const backends = Array.from({ length: 10 }, (_, i) => ({ id: 100 + i, address: `10.2.0.${10 + i}`, port: 80 }));
const dstOf = (frame: Uint8Array) => [...frame.subarray(30, 34)].join('.');

for (const hook of ['tc', 'xdp'] as const) {
  packetTest(`${hook}: sessionAffinity ClientIP keeps a client's new flows on one backend`, (t) => {
    const { dp } = scene(t, { hook });
    putService4(dp, { address: '10.3.0.4', port: 80, kind: 'LoadBalancer', flags: ['ROUTABLE', 'AFFINITY'], affinity: 600, backends, revNatId: 20, serviceId: 20 });
    const chosen = new Set<string>();
    for (let i = 0; i < 12; i++) chosen.add(dstOf(dp.ingress(packet({ src: CLIENT, dst: '10.3.0.4', sport: 45000 + i, dport: 80 })).data));
    t.is(chosen.size, 1, `one backend for every flow of ${CLIENT}: ${[...chosen].join(', ')}`);
    t.true(backends.some((b) => b.address === [...chosen][0]));
  });

  packetTest(`${hook}: Maglev: a flow gets the same backend on two nodes, and every backend gets flows`, (t) => {
    const devices = enterPacketNetns(t);
    const nodes: Datapath[] = [0, 1].map(() => loadNodeport(t, { hook, maglev: true }, devices));
    const table = new Uint8Array(4 * 16381);
    const dv = new DataView(table.buffer);
    for (let slot = 0; slot < 16381; slot++) dv.setUint32(slot * 4, 100 + (slot % 3), true);
    for (const dp of nodes) {
      putNodeConfig(dp, { ipv4: [NODE], podCidr4: '10.1.0.0/24' });
      putService4(dp, { address: '10.3.0.5', port: 80, kind: 'LoadBalancer', flags: ['ROUTABLE'], backends: backends.slice(0, 3), revNatId: 21, serviceId: 21 });
      mapUpdate(dp.maps.get('lb_maglev')!, encodeStruct(L.MAGLEV_KEY, { service_id: 21, set: 0, family: 4 }), table);
    }
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const flow = packet({ src: `198.51.100.${1 + (i % 7)}`, dst: '10.3.0.5', sport: 46000 + i * 13, dport: 80 });
      const [a, b] = nodes.map((dp) => dstOf(dp.ingress(flow).data));
      t.is(a, b, `flow ${i}: both nodes choose alike`);
      seen.add(a!);
    }
    t.deepEqual([...seen].sort(), ['10.2.0.10', '10.2.0.11', '10.2.0.12']);
  });
}
