// DSR on tc and XDP, byte for byte. At the load-balancing node: only the destination is
// translated, and the frontend travels in an 8-byte IPv4 option (type 0x9e, length 8, port,
// address) on what opens a flow (TCP SYN) and on every UDP datagram; a packet that already has
// options goes by SNAT instead. At the backend's node: a packet with the option is delivered to
// the pod as it came, and the pod's reply leaves (egress) with the frontend as its source.

import { packetTest } from './packet-test.ts';
import { diffBytes, word, TCP_ACK } from './frames.ts';
import { MAC } from './harness.ts';
import { CLIENT, LOCAL, NODE, packet, REMOTE, scene } from './scene.ts';
import { conntrack4 } from './tables.ts';

const option = (port: number, addr: string) => [0x9e, 8, port >> 8, port & 0xff, ...addr.split('.').map(Number)];

for (const hook of ['tc', 'xdp'] as const) {
  packetTest(`${hook}: the frontend travels in an IPv4 option on the SYN, the client's address is kept`, (t) => {
    const { dp, v } = scene(t, { hook, dsr: true });
    const r = dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 43000, dport: 30001 }));
    t.is(r.retval, v.tx);
    t.is(diffBytes(r.data, packet({ src: CLIENT, dst: REMOTE, sport: 43000, dport: 80, srcMac: MAC.eth0, dstMac: MAC.node2, ip: { ttl: 63, options: option(30001, NODE) } })), '');
    // The flow's next packets need no option: the backend's node knows the flow by now.
    const ack = dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 43000, dport: 30001, flags: TCP_ACK, payload: [9] }));
    t.is(ack.retval, v.tx);
    t.is(diffBytes(ack.data, packet({ src: CLIENT, dst: REMOTE, sport: 43000, dport: 80, flags: TCP_ACK, payload: [9], srcMac: MAC.eth0, dstMac: MAC.node2, ip: { ttl: 63 } })), '');
    t.is(conntrack4(dp).length, 1, 'no reply entry on the load-balancing node');
  });

  packetTest(`${hook}: every UDP datagram carries the option; a packet with options of its own goes by SNAT`, (t) => {
    const { dp, v } = scene(t, { hook, dsr: true });
    for (let i = 0; i < 2; i++) {
      const r = dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 43001, dport: 30001, proto: 'udp' }));
      t.is(r.retval, v.tx);
      t.is(diffBytes(r.data, packet({ src: CLIENT, dst: REMOTE, sport: 43001, dport: 80, proto: 'udp', srcMac: MAC.eth0, dstMac: MAC.node2, ip: { ttl: 63, options: option(30001, NODE) } })), '', `datagram ${i}`);
    }
    const ra = [0x94, 0x04, 0x00, 0x00];
    const r = dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 43002, dport: 30001, ip: { options: ra } }));
    t.is(r.retval, v.tx);
    const port = word(r.data, 14 + 24);
    t.is(diffBytes(r.data, packet({ src: NODE, dst: REMOTE, sport: port, dport: 80, srcMac: MAC.eth0, dstMac: MAC.node2, ip: { ttl: 63, options: ra } })), '');
  });

  packetTest(`${hook}: at the backend's node the option's frontend becomes the source of the pod's replies`, (t) => {
    const { dp, v } = scene(t, { hook, dsr: true });
    // A DSR packet from another node (10.0.0.7 balanced the client's connection to its NodePort).
    const arriving = packet({ src: CLIENT, dst: LOCAL, sport: 43003, dport: 8080, srcMac: MAC.node2, ip: { ttl: 63, options: option(30001, '10.0.0.7') } });
    const r = dp.ingress(arriving);
    t.is(r.retval, v.redirect);
    t.is(diffBytes(r.data, packet({ src: CLIENT, dst: LOCAL, sport: 43003, dport: 8080, srcMac: MAC.lxc0, dstMac: MAC.pod, ip: { ttl: 63, options: option(30001, '10.0.0.7') } })), '');
    const reply = dp.egress(packet({ src: LOCAL, dst: CLIENT, sport: 8080, dport: 43003, flags: 0x12, srcMac: MAC.eth0, dstMac: MAC.gateway, ip: { ttl: 63 } }));
    t.is(reply.retval, 0);
    t.is(diffBytes(reply.data, packet({ src: '10.0.0.7', dst: CLIENT, sport: 30001, dport: 43003, flags: 0x12, srcMac: MAC.eth0, dstMac: MAC.gateway, ip: { ttl: 63 } })), '');
    // The option only counts for this node's pods: elsewhere the packet is the stack's.
    const transit = packet({ src: CLIENT, dst: '10.7.0.1', sport: 43004, dport: 8080, ip: { options: option(30001, '10.0.0.7') } });
    const p = dp.ingress(transit);
    t.is(p.retval, v.pass);
    t.is(diffBytes(p.data, transit), '');
  });
}
