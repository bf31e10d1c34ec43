// The node the packet tests run on: node 1 of the talk (10.0.0.1, pods 10.1.0.0/24) with one
// service entry per frontend type, loaded into fresh maps in the test's own network namespace
// (harness.ts), and shorthands for the frames that cross it.

import type { ExecutionContext } from 'ava';
import { frame4, tcpSegment, udpDatagram, TCP_SYN, type Ip4, type Mac } from './frames.ts';
import { enterPacketNetns, loadNodeport, MAC, type Datapath, type PacketNetns, type Variant } from './harness.ts';
import { putNodeConfig, putService4, putSourceRange4 } from './tables.ts';

export const CLIENT = '198.51.100.1';
export const OUTSIDER = '192.0.2.1';
export const NODE = '10.0.0.1';
export const REMOTE = '10.2.0.1';
export const LOCAL = '10.1.0.1';

/** Verdicts as each hook returns them: XDP sends back (TX) what tc redirects. */
export const verdicts = {
  tc: { pass: 0, drop: 2, tx: 7, redirect: 7 },
  xdp: { pass: 2, drop: 1, tx: 3, redirect: 4 },
} as const;

export interface Scene {
  dp: Datapath;
  devices: PacketNetns;
  v: (typeof verdicts)['tc' | 'xdp'];
}

/**
 * Node 1 with:
 *   NodePort *:30001 TCP+UDP → 10.2.0.1:80 (remote)      NodePort *:30002 TCP → 10.1.0.1:8080 (local)
 *   LB 10.3.0.1:80 UDP, ETP Local → 10.1.0.1:8080        LB 10.3.0.2:80 TCP, ranges 198.51.100.0/24 → remote
 *   ExternalIP 203.0.113.10:8080 TCP → remote             HostPort *:10000 TCP → 10.1.0.1:8080
 *   ClusterIP 10.5.0.1:80 TCP (not routable)              LB 10.3.0.3:80 TCP, ETP Local, no local backend
 *   NodePort *:30005 TCP → 10.9.0.1:80, whose next hop 10.0.0.9 has no neighbour entry
 */
export function scene(t: ExecutionContext, v: Variant): Scene {
  const devices = enterPacketNetns(t);
  const dp = loadNodeport(t, v, devices);
  putNodeConfig(dp, { ipv4: [NODE], podCidr4: '10.1.0.0/24' });
  putScene4Services(dp);
  return { dp, devices, v: verdicts[v.hook] };
}

/** The scene's services (listed above scene()), into any datapath's maps. */
export function putScene4Services(dp: Datapath): void {
  const remote = [{ id: 1, address: REMOTE, port: 80 }];
  const local = [{ id: 2, address: LOCAL, port: 8080 }];
  putService4(dp, { address: '0.0.0.0', port: 30001, kind: 'NodePort', flags: ['WILDCARD', 'ROUTABLE'], backends: remote, revNatId: 1, serviceId: 1 });
  putService4(dp, { address: '0.0.0.0', port: 30001, protocol: 17, kind: 'NodePort', flags: ['WILDCARD', 'ROUTABLE'], backends: remote, revNatId: 2, serviceId: 2 });
  putService4(dp, { address: '0.0.0.0', port: 30002, kind: 'NodePort', flags: ['WILDCARD', 'ROUTABLE'], backends: local, revNatId: 3, serviceId: 3 });
  putService4(dp, { address: '10.3.0.1', port: 80, protocol: 17, kind: 'LoadBalancer', flags: ['ROUTABLE', 'LOCAL'], backends: local, revNatId: 4, serviceId: 4 });
  putService4(dp, { address: '10.3.0.2', port: 80, kind: 'LoadBalancer', flags: ['ROUTABLE', 'SOURCE_RANGES'], backends: remote, revNatId: 5, serviceId: 5 });
  putSourceRange4(dp, 5, '198.51.100.0/24');
  putService4(dp, { address: '203.0.113.10', port: 8080, kind: 'ExternalIP', flags: ['ROUTABLE', 'NOT_IN_CLUSTER'], backends: remote, revNatId: 6, serviceId: 6 });
  putService4(dp, { address: '0.0.0.0', port: 10000, kind: 'HostPort', flags: ['WILDCARD', 'ROUTABLE'], backends: local, revNatId: 7, serviceId: 7 });
  putService4(dp, { address: '10.5.0.1', port: 80, kind: 'ClusterIP', backends: remote, revNatId: 8, serviceId: 8 });
  putService4(dp, { address: '10.3.0.3', port: 80, kind: 'LoadBalancer', flags: ['ROUTABLE', 'LOCAL'], backends: [], revNatId: 9, serviceId: 9 });
  putService4(dp, { address: '0.0.0.0', port: 30005, kind: 'NodePort', flags: ['WILDCARD', 'ROUTABLE'], backends: [{ id: 3, address: '10.9.0.1', port: 80 }], revNatId: 10, serviceId: 10 });
}

export interface Hop {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  proto?: 'tcp' | 'udp';
  flags?: number;
  payload?: number[];
  srcMac?: Mac;
  dstMac?: Mac;
  ip?: Partial<Ip4>;
}

/** An IPv4 TCP or UDP frame with correct checksums; defaults: TCP SYN from the gateway to eth0. */
export function packet(h: Hop): Uint8Array {
  const udp = h.proto === 'udp';
  const l4 = udp
    ? udpDatagram({ src: h.src, dst: h.dst, sport: h.sport, dport: h.dport, payload: h.payload ?? [1, 2, 3] })
    : tcpSegment({ src: h.src, dst: h.dst, sport: h.sport, dport: h.dport, flags: h.flags ?? TCP_SYN, payload: h.payload ?? [] });
  return frame4({ dstMac: h.dstMac ?? MAC.eth0, srcMac: h.srcMac ?? MAC.gateway, src: h.src, dst: h.dst, proto: udp ? 17 : 6, l4, ...h.ip });
}
