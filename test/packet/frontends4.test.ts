// Each IPv4 frontend type on tc and on XDP, byte for byte: ExternalIP (remote backend, SNAT),
// HostPort (its pod, 1:1, client kept), a ClusterIP from outside (never routed: untouched),
// loadBalancerSourceRanges (inside translated, outside dropped), externalTrafficPolicy Local
// without a local backend (dropped), traffic that is no service's (untouched), and UDP without
// a checksum (it stays without one).

import { packetTest } from './packet-test.ts';
import { diffBytes, frame4, udpDatagram, word, TCP_SYN } from './frames.ts';
import { MAC } from './harness.ts';
import { CLIENT, LOCAL, NODE, OUTSIDER, packet, REMOTE, scene } from './scene.ts';
import { conntrack4 } from './tables.ts';

for (const hook of ['tc', 'xdp'] as const) {
  packetTest(`${hook}: ExternalIP to a remote backend: SNAT and the FIB's next hop`, (t) => {
    const { dp, v } = scene(t, { hook });
    const r = dp.ingress(packet({ src: CLIENT, dst: '203.0.113.10', sport: 41000, dport: 8080 }));
    t.is(r.retval, v.tx);
    const port = word(r.data, 34);
    t.true(port >= 61000);
    t.is(diffBytes(r.data, packet({ src: NODE, dst: REMOTE, sport: port, dport: 80, srcMac: MAC.eth0, dstMac: MAC.node2, ip: { ttl: 63 } })), '');
  });

  packetTest(`${hook}: HostPort goes to its pod, 1:1, with the client's address`, (t) => {
    const { dp, v } = scene(t, { hook });
    const r = dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 41001, dport: 10000 }));
    t.is(r.retval, v.redirect);
    t.is(diffBytes(r.data, packet({ src: CLIENT, dst: LOCAL, sport: 41001, dport: 8080, srcMac: MAC.lxc0, dstMac: MAC.pod })), '');
  });

  packetTest(`${hook}: a ClusterIP is never routed from outside; a node port nobody serves is left alone`, (t) => {
    const { dp, v } = scene(t, { hook });
    for (const [dst, dport] of [['10.5.0.1', 80], [NODE, 22], ['10.3.0.1', 81]] as const) {
      const frame = packet({ src: CLIENT, dst, sport: 41002, dport });
      const r = dp.ingress(frame);
      t.is(r.retval, v.pass, `${dst}:${dport}`);
      t.is(diffBytes(r.data, frame), '', `${dst}:${dport} untouched`);
    }
    t.is(conntrack4(dp).length, 0);
  });

  packetTest(`${hook}: loadBalancerSourceRanges: a client inside is served, one outside is dropped`, (t) => {
    const { dp, v } = scene(t, { hook });
    t.is(dp.ingress(packet({ src: CLIENT, dst: '10.3.0.2', sport: 41003, dport: 80 })).retval, v.tx);
    t.is(dp.ingress(packet({ src: OUTSIDER, dst: '10.3.0.2', sport: 41003, dport: 80 })).retval, v.drop);
    t.is(conntrack4(dp).filter((e) => e.key.saddr === OUTSIDER || e.key.daddr === OUTSIDER).length, 0);
  });

  packetTest(`${hook}: externalTrafficPolicy Local without a local backend drops`, (t) => {
    const { dp, v } = scene(t, { hook });
    t.is(dp.ingress(packet({ src: CLIENT, dst: '10.3.0.3', sport: 41004, dport: 80 })).retval, v.drop);
    t.is(conntrack4(dp).length, 0);
  });

  packetTest(`${hook}: UDP without a checksum stays without one through SNAT`, (t) => {
    const { dp, v } = scene(t, { hook });
    const l4 = udpDatagram({ src: CLIENT, dst: NODE, sport: 5000, dport: 30001, payload: [7, 7, 7], noChecksum: true });
    const r = dp.ingress(frame4({ dstMac: MAC.eth0, srcMac: MAC.gateway, src: CLIENT, dst: NODE, proto: 17, l4 }));
    t.is(r.retval, v.tx);
    const port = word(r.data, 34);
    const want = frame4({ dstMac: MAC.node2, srcMac: MAC.eth0, src: NODE, dst: REMOTE, proto: 17, ttl: 63, l4: udpDatagram({ src: NODE, dst: REMOTE, sport: port, dport: 80, payload: [7, 7, 7], noChecksum: true }) });
    t.is(diffBytes(r.data, want), '');
  });

  packetTest(`${hook}: a known flow keeps its SNAT port; FIN closes it and a new SYN opens a new one`, (t) => {
    const { dp, v } = scene(t, { hook });
    const first = dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 41005, dport: 30001 }));
    const port = word(first.data, 34);
    const ack = dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 41005, dport: 30001, flags: 0x10, payload: [1, 2] }));
    t.is(ack.retval, v.tx);
    t.is(diffBytes(ack.data, packet({ src: NODE, dst: REMOTE, sport: port, dport: 80, flags: 0x10, payload: [1, 2], srcMac: MAC.eth0, dstMac: MAC.node2, ip: { ttl: 63 } })), '');
    dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 41005, dport: 30001, flags: 0x11 }));
    const entry = conntrack4(dp).find((e) => e.key.saddr === CLIENT && e.key.flags === 0)!;
    t.is(Number(entry.value.flags) & 0x8, 0x8, 'closing');
    dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 41005, dport: 30001, flags: TCP_SYN }));
    const again = conntrack4(dp).find((e) => e.key.saddr === CLIENT && e.key.flags === 0)!;
    t.is(Number(again.value.flags) & 0x8, 0, 'a SYN on a closing entry starts afresh');
  });
}
