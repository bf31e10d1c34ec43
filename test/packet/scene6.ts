// The IPv6 side of the packet tests' node 1 (fd00:10::1, pods fd00:10:1::/64): a NodePort to a
// remote backend (TCP and UDP), a UDP LoadBalancer IP with a local backend, and shorthands for
// whole IPv6 frames with extension header chains (frames.ts packet6).

import type { ExecutionContext } from 'ava';
import { ethernet, packet6, tcpSegment, udpDatagram, TCP_SYN, type Ext6, type Mac } from './frames.ts';
import { enterPacketNetns, loadNodeport, MAC, type Datapath, type Variant } from './harness.ts';
import { putNodeConfig, putService6 } from './tables.ts';

export const CLIENT6 = '2001:db8:c::1';
export const OUTSIDER6 = '2001:db8:d::1';
export const NODE6 = 'fd00:10::1';
export const REMOTE6 = 'fd00:10:2::1';
export const LOCAL6 = 'fd00:10:1::1';
export const LB6 = 'fd00:10:3::1';

export function scene6(t: ExecutionContext, v: Variant): Datapath {
  const dp = loadNodeport(t, v, enterPacketNetns(t));
  putNodeConfig(dp, { ipv4: ['10.0.0.1'], podCidr4: '10.1.0.0/24', ipv6: [NODE6], podCidr6: 'fd00:10:1::/64' });
  putScene6Services(dp);
  return dp;
}

/** The IPv6 services of the scene, into any datapath's maps. */
export function putScene6Services(dp: Datapath): void {
  const remote = [{ id: 1, address: REMOTE6, port: 80 }];
  putService6(dp, { address: '::', port: 30001, kind: 'NodePort', flags: ['WILDCARD', 'ROUTABLE'], backends: remote, revNatId: 1, serviceId: 1 });
  putService6(dp, { address: '::', port: 30001, protocol: 17, kind: 'NodePort', flags: ['WILDCARD', 'ROUTABLE'], backends: remote, revNatId: 3, serviceId: 3 });
  putService6(dp, { address: LB6, port: 80, protocol: 17, kind: 'LoadBalancer', flags: ['ROUTABLE', 'LOCAL'], backends: [{ id: 2, address: LOCAL6, port: 8080 }], revNatId: 2, serviceId: 2 });
}

export interface Seg6 {
  src: string;
  dst: string;
  sport: number;
  dport: number;
  udp?: boolean;
  flags?: number;
  payload?: number[];
  hops?: number;
  exts?: Ext6[];
  dstMac?: Mac;
  srcMac?: Mac;
}

/** The L4 bytes of a segment or datagram (checksum over the given addresses). */
export function l4of(s: Seg6): number[] {
  return s.udp
    ? udpDatagram({ src: s.src, dst: s.dst, sport: s.sport, dport: s.dport, payload: s.payload ?? [1, 2, 3] })
    : tcpSegment({ src: s.src, dst: s.dst, sport: s.sport, dport: s.dport, flags: s.flags ?? TCP_SYN, payload: s.payload ?? [] });
}

/** A whole frame: Ethernet (defaults: gateway → eth0), IPv6, the extension headers, L4. */
export function frame6x(s: Seg6, l4 = l4of(s)): Uint8Array {
  return ethernet(s.dstMac ?? MAC.eth0, s.srcMac ?? MAC.gateway, 0x86dd, packet6({ src: s.src, dst: s.dst, hopLimit: s.hops, exts: s.exts, proto: s.udp ? 17 : 6, l4 }));
}
