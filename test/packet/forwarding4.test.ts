// How translated packets leave, on tc and XDP: hairpin mode (the FIB lookup compiled out: MACs
// swapped, back out of the ingress device), a next hop whose neighbour is not resolved yet (XDP
// passes the packet up untouched, and the tc program beside it translates it and hands it to
// bpf_redirect_neigh), a spent TTL (dropped, never forwarded), and the next hop cached in the
// flow's entry (route-cache.ts).

import { packetTest } from './packet-test.ts';
import { diffBytes, word, TCP_ACK } from './frames.ts';
import { MAC } from './harness.ts';
import { CLIENT, NODE, packet, REMOTE, scene, verdicts } from './scene.ts';
import { compileNodeport } from './harness.ts';
import { buildObject } from '../../compiler/bpf/object.ts';
import { listObject } from '../../compiler/bpf/listing.ts';
import * as L from '../../compiler/emit/map-layouts.ts';
import { mapLookup, mapUpdate } from '../../runtime/sys/bpf-map.ts';
import { run } from '../helpers/netns.ts';
import { decodeStruct, encodeStruct } from './tables.ts';
import { LIFETIME_REFRESH, NS_PER_SECOND } from '../../compiler/datapath/nodeport/constants.ts';

for (const hook of ['tc', 'xdp'] as const) {
  packetTest(`${hook}: hairpin mode sends remote traffic back where it came from, without a FIB lookup`, (t) => {
    const { dp, v } = scene(t, { hook, hairpin: true });
    const r = dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 44000, dport: 30001 }));
    t.is(r.retval, v.tx);
    const port = word(r.data, 34);
    t.is(diffBytes(r.data, packet({ src: NODE, dst: REMOTE, sport: port, dport: 80, srcMac: MAC.eth0, dstMac: MAC.gateway, ip: { ttl: 63 } })), '');
    // The backend's reply, straight from node 2 on the segment, goes back to node 2's MAC too.
    const back = dp.ingress(packet({ src: REMOTE, dst: NODE, sport: 80, dport: port, flags: 0x12, srcMac: MAC.node2 }));
    t.is(back.retval, v.tx);
    t.is(diffBytes(back.data, packet({ src: NODE, dst: CLIENT, sport: 30001, dport: 44000, flags: 0x12, srcMac: MAC.eth0, dstMac: MAC.node2, ip: { ttl: 63 } })), '');
    // The remote path's lookup is gone from the object; the local path (into a pod) keeps one.
    const fibCalls = (hairpin: boolean) => (listObject(buildObject(compileNodeport({ hook, hairpin }).object)).match(/; bpf_fib_lookup/g) ?? []).length;
    t.true(fibCalls(true) < fibCalls(false), `${fibCalls(true)} FIB lookups in hairpin mode, ${fibCalls(false)} without`);
  });

  packetTest(`${hook}: a next hop without a resolved neighbour`, (t) => {
    const { dp, v } = scene(t, { hook });
    const frame = packet({ src: CLIENT, dst: NODE, sport: 44001, dport: 30005 });
    if (hook === 'xdp') {
      const up = dp.ingress(frame);
      t.is(up.retval, v.pass, 'XDP passes it up');
      t.is(diffBytes(up.data, frame), '', 'untranslated');
    }
    // tc (on its own, or after XDP passed the packet up) translates and lets the kernel resolve.
    const r = dp.tcIngress(frame);
    t.is(r.retval, verdicts.tc.redirect);
    const port = word(r.data, 34);
    t.is(diffBytes(r.data, packet({ src: NODE, dst: '10.9.0.1', sport: port, dport: 80, ip: { ttl: 63 } })), '', 'MACs are the neighbour subsystem\'s to fill');
  });

  packetTest(`${hook}: a packet whose TTL is spent is not forwarded`, (t) => {
    const { dp, v } = scene(t, { hook });
    t.is(dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 44002, dport: 30001, ip: { ttl: 1 } })).retval, v.drop);
  });
}

for (const hook of ['tc', 'xdp'] as const) {
  packetTest(`${hook}: a flow's next hop is cached in its entry by its second packet, and asked again when the lifetime is written back`, (t) => {
    const { dp, v, devices } = scene(t, { hook });
    const key = encodeStruct(L.CT4_KEY, { saddr: CLIENT, daddr: NODE, sport: 44100, dport: 30001, protocol: 6, flags: 0 });
    const entry = () => {
      const value = new Uint8Array(L.CT4_VALUE.size);
      t.true(mapLookup(dp.maps.get('ct4')!, key, value));
      return value;
    };
    const hop = () => {
      const e = decodeStruct(L.CT4_VALUE, entry());
      return { ifindex: e.ifindex, dmac: e.dmac, smac: e.smac };
    };
    const syn = dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 44100, dport: 30001 }));
    t.is(syn.retval, v.tx);
    t.deepEqual(hop(), { ifindex: 0, dmac: '00:00:00:00:00:00', smac: '00:00:00:00:00:00' }, 'a new flow asks the FIB and keeps nothing');
    const ack = () => dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 44100, dport: 30001, flags: TCP_ACK }));
    t.deepEqual([...ack().data.subarray(0, 6)], MAC.node2);
    t.deepEqual(hop(), { ifindex: devices.eth0, dmac: '02:00:00:00:00:02', smac: '02:00:00:00:00:01' }, 'the second packet keeps the FIB\'s answer');
    // Node 2 answers from another MAC now: the flow keeps the cached one ...
    run(['ip', 'neigh', 'replace', '10.0.0.2', 'lladdr', '02:00:00:00:00:22', 'dev', 'eth0', 'nud', 'permanent']);
    const cached = ack();
    t.is(cached.retval, v.tx);
    t.deepEqual([...cached.data.subarray(0, 6)], MAC.node2, 'the cache, not the FIB');
    // ... until its lifetime is written back (every LIFETIME_REFRESH of activity): made due here.
    const value = entry();
    const dv = new DataView(value.buffer);
    dv.setBigUint64(0, dv.getBigUint64(0, true) - BigInt(LIFETIME_REFRESH + NS_PER_SECOND), true);
    mapUpdate(dp.maps.get('ct4')!, key, value);
    const asked = ack();
    t.deepEqual([...asked.data.subarray(0, 6)], [2, 0, 0, 0, 0, 0x22], 'the FIB again, and its new answer');
    t.is(hop().dmac, '02:00:00:00:00:22');
  });
}
