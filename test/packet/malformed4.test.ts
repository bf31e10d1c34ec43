// IPv4 packets the north-south path must not trip over, on tc and XDP, byte for byte: headers
// cut short at every layer, a VLAN tag, IP options (the L4 header is found behind them and they
// survive translation), fragments (the first translated with its ports, later ones by address
// from the fragment map, a later one without its first left alone), other protocols and ICMP.

import { packetTest } from './packet-test.ts';
import { checksum, diffBytes, ethernet, frame4, icmpEcho, ipv4Header, udpDatagram, word } from './frames.ts';
import { MAC } from './harness.ts';
import { CLIENT, NODE, packet, REMOTE, scene } from './scene.ts';
import { conntrack4 } from './tables.ts';

for (const hook of ['tc', 'xdp'] as const) {
  packetTest(`${hook}: headers cut short pass untouched`, (t) => {
    const { dp, v } = scene(t, { hook });
    const whole = packet({ src: CLIENT, dst: NODE, sport: 42000, dport: 30001 });
    // IPv4 + part of TCP; an IHL saying more than there is; an IHL below the minimum. BPF_PROG_TEST_RUN
    // itself refuses shorter frames on tc (under Ethernet + IPv4), so the IP-level cut is XDP's.
    const ihl15 = whole.slice(0, 14 + 40);
    ihl15[14] = 0x4f;
    const bad = whole.slice();
    bad[14] = 0x44;
    const frames = [whole.subarray(0, 14 + 20 + 10), ihl15, bad, ...(hook === 'xdp' ? [whole.subarray(0, 14 + 12), whole.subarray(0, 14)] : [])];
    for (const frame of frames) {
      const r = dp.ingress(frame);
      t.is(r.retval, v.pass, `${frame.length} bytes`);
      t.is(diffBytes(r.data, frame), '');
    }
    t.is(conntrack4(dp).length, 0);
  });

  packetTest(`${hook}: a VLAN-tagged frame passes untouched`, (t) => {
    const { dp, v } = scene(t, { hook });
    const inner = packet({ src: CLIENT, dst: NODE, sport: 42001, dport: 30001 });
    const tagged = ethernet(MAC.eth0, MAC.gateway, 0x8100, [0x00, 0x64, 0x08, 0x00, ...inner.subarray(14)]);
    const r = dp.ingress(tagged);
    t.is(r.retval, v.pass);
    t.is(diffBytes(r.data, tagged), '');
  });

  packetTest(`${hook}: IP options: the L4 header is found behind them, and they are kept`, (t) => {
    const { dp, v } = scene(t, { hook });
    const options = [0x94, 0x04, 0x00, 0x00]; // Router Alert
    const r = dp.ingress(packet({ src: CLIENT, dst: NODE, sport: 42002, dport: 30001, ip: { options } }));
    t.is(r.retval, v.tx);
    const port = word(r.data, 14 + 24);
    t.true(port >= 61000);
    t.is(diffBytes(r.data, packet({ src: NODE, dst: REMOTE, sport: port, dport: 80, srcMac: MAC.eth0, dstMac: MAC.node2, ip: { ttl: 63, options } })), '');
  });

  packetTest(`${hook}: fragments: the first with its ports, later ones by the fragment map`, (t) => {
    const { dp, v } = scene(t, { hook });
    const payload = Array.from({ length: 40 }, (_, i) => i);
    const datagram = udpDatagram({ src: CLIENT, dst: NODE, sport: 5001, dport: 30001, payload });
    const split = (d: number[], src: string, dst: string, ttl: number, dstMac: number[], srcMac: number[]) => [
      frame4({ dstMac, srcMac, src, dst, proto: 17, ttl, id: 0x4242, fragOff: 0x2000, l4: d.slice(0, 24) }),
      frame4({ dstMac, srcMac, src, dst, proto: 17, ttl, id: 0x4242, fragOff: 3, l4: d.slice(24) }),
    ];
    const [first, later] = split(datagram, CLIENT, NODE, 64, MAC.eth0, MAC.gateway);
    // A later fragment before its first: nothing is known about it.
    const early = dp.ingress(later!);
    t.is(early.retval, v.pass);
    t.is(diffBytes(early.data, later!), '');

    const r1 = dp.ingress(first!);
    const r2 = dp.ingress(later!);
    t.is(r1.retval, v.tx);
    t.is(r2.retval, v.tx);
    const port = word(r1.data, 34);
    const translated = udpDatagram({ src: NODE, dst: REMOTE, sport: port, dport: 80, payload });
    const [want1, want2] = split(translated, NODE, REMOTE, 63, MAC.node2, MAC.eth0);
    t.is(diffBytes(r1.data, want1!), '', 'first fragment: addresses, ports, the whole datagram\'s checksum');
    t.is(diffBytes(r2.data, want2!), '', 'later fragment: addresses only');
  });

  packetTest(`${hook}: other protocols and ICMP go to the stack untouched`, (t) => {
    const { dp, v } = scene(t, { hook });
    const gre = frame4({ dstMac: MAC.eth0, srcMac: MAC.gateway, src: CLIENT, dst: NODE, proto: 47, l4: [0, 0, 0x08, 0x00, 1, 2, 3, 4] });
    const ping = frame4({ dstMac: MAC.eth0, srcMac: MAC.gateway, src: CLIENT, dst: '10.3.0.2', proto: 1, l4: icmpEcho(7, 1) });
    // Port unreachable from the backend about a translated flow: left to the stack as well.
    const inner = [...ipv4Header({ src: NODE, dst: REMOTE, proto: 17 }, 8), 0xee, 0x48, 0, 80, 0, 8, 0, 0];
    const unreach = [3, 3, 0, 0, 0, 0, 0, 0, ...inner];
    const c = checksum(unreach);
    unreach[2] = c >> 8;
    unreach[3] = c & 0xff;
    const icmpErr = frame4({ dstMac: MAC.eth0, srcMac: MAC.node2, src: REMOTE, dst: NODE, proto: 1, l4: unreach });
    for (const frame of [gre, ping, icmpErr]) {
      const r = dp.ingress(frame);
      t.is(r.retval, v.pass);
      t.is(diffBytes(r.data, frame), '');
    }
  });
}
