// IPv4 north-south translation, byte for byte, on tc and on XDP: for crafted frames to each
// frontend type the output frame (MACs from the FIB, addresses, ports, TTL, every checksum
// recomputed here from scratch) and the verdict are exactly what is expected, and the
// conntrack entries say how the reply will be translated back.

import { packetTest } from './packet-test.ts';
import { diffBytes, frame4, tcpSegment, udpDatagram, TCP_ACK, TCP_SYN, word } from './frames.ts';
import { enterPacketNetns, loadNodeport, MAC, type Variant } from './harness.ts';
import { conntrack4, encodeStruct, putNodeConfig, putService4, serviceStats } from './tables.ts';
import * as L from '../../compiler/emit/map-layouts.ts';
import { mapUpdate } from '../../runtime/sys/bpf-map.ts';
import { CT_REPLY, CT_SNAT, SNAT_PORT_COUNT, SNAT_PORT_MIN } from '../../compiler/datapath/nodeport/constants.ts';
import type { ExecutionContext } from 'ava';

const CLIENT = '198.51.100.1';
const verdicts = {
  tc: { pass: 0, drop: 2, tx: 7, redirect: 7 },
  xdp: { pass: 2, drop: 1, tx: 3, redirect: 4 },
} as const;

function setup(t: ExecutionContext, v: Variant) {
  const dp = loadNodeport(t, v, enterPacketNetns(t));
  putNodeConfig(dp, { ipv4: ['10.0.0.1'], podCidr4: '10.1.0.0/24' });
  putService4(dp, { address: '0.0.0.0', port: 30001, kind: 'NodePort', flags: ['WILDCARD', 'ROUTABLE'], backends: [{ id: 1, address: '10.2.0.1', port: 80 }], revNatId: 1, serviceId: 1 });
  putService4(dp, { address: '10.3.0.1', port: 80, protocol: 17, kind: 'LoadBalancer', flags: ['ROUTABLE', 'LOCAL'], backends: [{ id: 2, address: '10.1.0.1', port: 8080 }], revNatId: 2, serviceId: 2 });
  return dp;
}

for (const hook of ['tc', 'xdp'] as const) {
  const V = verdicts[hook];

  packetTest(`${hook}: NodePort to a remote backend is SNATed to the node and forwarded by the FIB`, (t) => {
    const dp = setup(t, { hook });
    const syn = tcpSegment({ src: CLIENT, dst: '10.0.0.1', sport: 40000, dport: 30001, flags: TCP_SYN });
    const r = dp.ingress(frame4({ dstMac: MAC.eth0, srcMac: MAC.gateway, src: CLIENT, dst: '10.0.0.1', proto: 6, l4: syn }));
    t.is(r.retval, V.tx);
    const port = word(r.data, 34);
    t.true(port >= 61000 && port <= 65535, `SNAT port ${port}`);
    const want = frame4({ dstMac: MAC.node2, srcMac: MAC.eth0, src: '10.0.0.1', dst: '10.2.0.1', proto: 6, ttl: 63, l4: tcpSegment({ src: '10.0.0.1', dst: '10.2.0.1', sport: port, dport: 80, flags: TCP_SYN }) });
    t.is(diffBytes(r.data, want), '');

    // The backend's answer comes back to the SNAT port and leaves for the client, from the NodePort.
    const synAck = tcpSegment({ src: '10.2.0.1', dst: '10.0.0.1', sport: 80, dport: port, flags: TCP_SYN | TCP_ACK });
    const back = dp.ingress(frame4({ dstMac: MAC.eth0, srcMac: MAC.node2, src: '10.2.0.1', dst: '10.0.0.1', proto: 6, l4: synAck }));
    t.is(back.retval, V.tx);
    const wantBack = frame4({ dstMac: MAC.gateway, srcMac: MAC.eth0, src: '10.0.0.1', dst: CLIENT, proto: 6, ttl: 63, l4: tcpSegment({ src: '10.0.0.1', dst: CLIENT, sport: 30001, dport: 40000, flags: TCP_SYN | TCP_ACK }) });
    t.is(diffBytes(back.data, wantBack), '');
    t.is(conntrack4(dp).length, 2);
  });

  packetTest(`${hook}: a LoadBalancer IP with a local backend is DNATed and handed to the pod; its reply leaves from the LB IP`, (t) => {
    const dp = setup(t, { hook });
    const udp = udpDatagram({ src: CLIENT, dst: '10.3.0.1', sport: 5353, dport: 80, payload: [1, 2, 3] });
    const r = dp.ingress(frame4({ dstMac: MAC.eth0, srcMac: MAC.gateway, src: CLIENT, dst: '10.3.0.1', proto: 17, l4: udp }));
    t.is(r.retval, V.redirect);
    const want = frame4({ dstMac: MAC.pod, srcMac: MAC.lxc0, src: CLIENT, dst: '10.1.0.1', proto: 17, l4: udpDatagram({ src: CLIENT, dst: '10.1.0.1', sport: 5353, dport: 8080, payload: [1, 2, 3] }) });
    t.is(diffBytes(r.data, want), '');

    const reply = udpDatagram({ src: '10.1.0.1', dst: CLIENT, sport: 8080, dport: 5353, payload: [4, 5] });
    const out = dp.egress(frame4({ dstMac: MAC.gateway, srcMac: MAC.eth0, src: '10.1.0.1', dst: CLIENT, proto: 17, ttl: 63, l4: reply }));
    t.is(out.retval, 0);
    const wantOut = frame4({ dstMac: MAC.gateway, srcMac: MAC.eth0, src: '10.3.0.1', dst: CLIENT, proto: 17, ttl: 63, l4: udpDatagram({ src: '10.3.0.1', dst: CLIENT, sport: 80, dport: 5353, payload: [4, 5] }) });
    t.is(diffBytes(out.data, wantOut), '');
  });
}

for (const hook of ['tc', 'xdp'] as const) {
  packetTest(`${hook}: a new flow finding every SNAT port toward its backend held is dropped and counted as snat_full`, (t) => {
    // Conntrack room for the whole range (the default's 4,096 entries would evict some of it).
    const dp = setup(t, { hook, scale: 4096 });
    // Every port of the range held by a live flow to 10.2.0.1:80 (reply entries, as claimed).
    const ct = dp.maps.get('ct4')!;
    const held = (expires: bigint) => {
      for (let p = SNAT_PORT_MIN; p < SNAT_PORT_MIN + SNAT_PORT_COUNT; p++) {
        const key = encodeStruct(L.CT4_KEY, { saddr: '10.2.0.1', daddr: '10.0.0.1', sport: 80, dport: p, protocol: 6, flags: CT_REPLY });
        mapUpdate(ct, key, encodeStruct(L.CT4_VALUE, { expires, flags: CT_SNAT, src_addr: '10.0.0.1', dst_addr: '198.51.100.2', src_port: 30001, dst_port: 1000 }));
      }
    };
    held(1n << 62n);
    const syn = (sport: number) => frame4({ dstMac: MAC.eth0, srcMac: MAC.gateway, src: CLIENT, dst: '10.0.0.1', proto: 6, l4: tcpSegment({ src: CLIENT, dst: '10.0.0.1', sport, dport: 30001, flags: TCP_SYN }) });
    t.is(dp.ingress(syn(40000)).retval, verdicts[hook].drop);
    t.like(serviceStats(dp, 1), { snat_full: 1n, translations: 0n });
    // Once those flows have ended (lifetimes passed), their ports are taken again, uncounted.
    held(1n);
    t.is(dp.ingress(syn(40001)).retval, verdicts[hook].tx);
    t.like(serviceStats(dp, 1), { snat_full: 1n, translations: 1n });
  });
}
