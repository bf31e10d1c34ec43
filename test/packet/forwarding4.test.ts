// How translated packets leave, on tc and XDP: hairpin mode (the FIB lookup compiled out: MACs
// swapped, back out of the ingress device), a next hop whose neighbour is not resolved yet (XDP
// passes the packet up untouched, and the tc program beside it translates it and hands it to
// bpf_redirect_neigh), and a spent TTL (dropped, never forwarded).

import { kernelTestSerial } from '../helpers/kernel.ts';
import { diffBytes, word } from './frames.ts';
import { MAC } from './harness.ts';
import { CLIENT, NODE, packet, REMOTE, scene, verdicts } from './scene.ts';
import { compileNodeport } from './harness.ts';
import { buildObject } from '../../compiler/bpf/object.ts';
import { listObject } from '../../compiler/bpf/listing.ts';

for (const hook of ['tc', 'xdp'] as const) {
  kernelTestSerial(`${hook}: hairpin mode sends remote traffic back where it came from, without a FIB lookup`, (t) => {
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

  kernelTestSerial(`${hook}: a next hop without a resolved neighbour`, (t) => {
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

  kernelTestSerial(`${hook}: a packet whose TTL is spent is not forwarded`, (t) => {
    const { dp, v } = scene(t, { hook });
    t.is(dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 44002, dport: 30001, ip: { ttl: 1 } })).retval, v.drop);
  });
}
