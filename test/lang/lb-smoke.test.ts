// End to end in the kernel: a small load balancer in BPF-TS (parse Ethernet/IPv4/TCP, look the
// service up in a map, rewrite the destination and fix the IPv4 checksum) runs on real packets.

import { kernelTest } from '../helpers/kernel.ts';
import { compileOk, load, mapLookup, mapUpdate } from './helpers.ts';
import { ipv4ChecksumOk, ipv4Tcp, ip4 } from './packets.ts';

const source = `
import { EthHdr, Ipv4Hdr, TcpHdr, ETH_P_IP, ETH_HLEN, IPPROTO_TCP } from '../headers.ts';

interface Key { addr: be32; port: be16; proto: u8; _pad: u8 }
interface Backend { addr: be32; port: be16; _pad: u16; packets: u64 }
export const services = map<Key, Backend>({ type: 'hash', maxEntries: 16 });

/** @section xdp */
export function lb(ctx: XdpMd): u32 {
  const eth = ctx.header<EthHdr>(0);
  if (eth === null) return XDP_DROP;
  if (eth.h_proto !== htons(ETH_P_IP)) return XDP_PASS;
  const ip = ctx.header<Ipv4Hdr>(ETH_HLEN);
  if (!ip) return XDP_DROP;
  if (ip.protocol !== IPPROTO_TCP) return XDP_PASS;
  const tcp = ctx.header<TcpHdr>(ETH_HLEN + 20);
  if (!tcp) return XDP_DROP;
  const be = services.lookup({ addr: ip.daddr, port: tcp.dest, proto: IPPROTO_TCP, _pad: 0 });
  if (be === null) return XDP_PASS;
  be.packets += 1;
  ip.check = csumReplace(ip.check, ip.daddr, be.addr);
  ip.daddr = be.addr;
  tcp.dest = be.port;
  return XDP_TX;
}
`;

kernelTest('a BPF-TS load balancer parses, looks up, rewrites and fixes the checksum in the kernel', (t) => {
  const r = compileOk(t, source);
  const p = load(t, r);
  const key = new Uint8Array([...ip4('198.51.100.10'), 0, 80, 6, 0]);
  mapUpdate(p.maps.get('services')!, key, new Uint8Array([...ip4('203.0.113.7'), 0x1f, 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));

  const hit = ipv4Tcp({ src: '192.0.2.1', dst: '198.51.100.10', sport: 40000, dport: 80 });
  const out = p.run(hit);
  t.is(out.retval, 3, 'XDP_TX');
  t.deepEqual([...out.data.subarray(30, 34)], ip4('203.0.113.7'), 'destination rewritten');
  t.deepEqual([...out.data.subarray(36, 38)], [0x1f, 0x90], 'port rewritten');
  t.true(ipv4ChecksumOk(out.data), 'IPv4 checksum still verifies');
  const counters = mapLookup(p.maps.get('services')!, key, 16)!;
  t.is(new DataView(counters.buffer).getBigUint64(8, true), 1n, 'packet counter');

  t.is(p.run(ipv4Tcp({ src: '192.0.2.1', dst: '198.51.100.11', sport: 40000, dport: 80 })).retval, 2, 'no service: XDP_PASS');
  t.is(p.run(hit.subarray(0, 40)).retval, 1, 'truncated TCP header: XDP_DROP');
  // BPF_PROG_TEST_RUN refuses frames shorter than an Ethernet header, so this is the shortest case.
  t.is(p.run(hit.subarray(0, 20)).retval, 1, 'truncated IPv4 header: XDP_DROP');
});
