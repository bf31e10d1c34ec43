// The trace packet syntax, the frame builder and decoder, and the pcap reader, without any
// simulated node: what `switchyard trace` reads and prints must round-trip.

import test from 'ava';
import { buildFrame } from '../../simulate/packet/build.ts';
import { decodeFrame, frameSummary } from '../../simulate/packet/decode.ts';
import { PcapError, readPcap, writePcap } from '../../simulate/packet/pcap.ts';
import { formatPacket, PacketSyntaxError, parsePacket } from '../../simulate/packet/syntax.ts';
import { splitPackets } from '../../compiler/cli/trace.ts';

const written = [
  'tcp 198.51.100.7:40000 > 10.0.0.1:30001 syn',
  'tcp 198.51.100.7:40000 > 10.0.0.1:30001 syn ack',
  'tcp [2001:db8::7]:40000 > [fd00:10::1]:30001 fin ack',
  'udp 203.0.113.5:5353 > 10.5.0.10:53',
  'udp [2001:db8::7]:5353 > [fd00:10:5::a]:53',
  'icmp 198.51.100.7 > 10.0.0.1 echo id=7',
  'icmp [2001:db8::7] > [fd00:10::1] reply',
];

test('packets print as they are written, and flags in header order whatever order they were given', (t) => {
  for (const p of written) t.is(formatPacket(parsePacket(p)), p.replace(/ id=0$/, ''));
  t.is(formatPacket(parsePacket('TCP 198.51.100.7:1 > 10.0.0.1:2 ACK SYN')), 'tcp 198.51.100.7:1 > 10.0.0.1:2 syn ack');
  t.is(formatPacket(parsePacket('icmp 198.51.100.7 > 10.0.0.1')), 'icmp 198.51.100.7 > 10.0.0.1 echo');
});

test('bad packets are errors naming the part that is wrong', (t) => {
  const cases: Array<[string, RegExp]> = [
    ['sctp 1.2.3.4:1 > 5.6.7.8:2', /starts with sctp, not tcp, udp or icmp/],
    ['tcp 1.2.3.4:1 5.6.7.8:2', /expected 'tcp SOURCE > DESTINATION'/],
    ['tcp 1.2.3.4 > 5.6.7.8:2', /1\.2\.3\.4 is not address:port/],
    ['tcp 1.2.3.400:1 > 5.6.7.8:2', /1\.2\.3\.400 is not an IPv4 address/],
    ['tcp 1.2.3.4:0 > 5.6.7.8:2', /port 0 is out of range/],
    ['tcp 1.2.3.4:1 > [2001:db8::1]:2', /different address families/],
    ['tcp [2001:db8:::1]:1 > [2001:db8::1]:2', /is not an IP address/],
    ['tcp 1.2.3.4:1 > 5.6.7.8:2 syn sin', /sin is not a TCP flag/],
    ['udp 1.2.3.4:1 > 5.6.7.8:2 syn', /UDP takes no flags/],
    ['icmp 1.2.3.4 > 5.6.7.8 id=70000', /is not echo, reply or id=N/],
  ];
  for (const [text, why] of cases) {
    const e = t.throws(() => parsePacket(text), { instanceOf: PacketSyntaxError }, text);
    t.regex(e!.message, why, text);
  }
});

test('built frames decode back to the same packet with every checksum valid', (t) => {
  for (const p of written) {
    const spec = parsePacket(p);
    const d = decodeFrame(buildFrame(spec, { ttl: 9 }));
    t.deepEqual(d.packet, spec, p);
    t.deepEqual(d.badChecksums, [], p);
    t.is(d.ttl, 9);
  }
});

test('a corrupted frame shows its bad checksums; a truncated or foreign one says what it is', (t) => {
  const f = buildFrame(parsePacket('tcp 198.51.100.7:40000 > 10.0.0.1:30001 syn'));
  const bad = f.slice();
  bad[30] ^= 1; // the destination address: both the IP and the TCP checksum cover it
  t.deepEqual(decodeFrame(bad).badChecksums, ['ip', 'l4']);
  t.regex(frameSummary(decodeFrame(bad)), /BAD CHECKSUM ip,l4/);
  t.is(decodeFrame(f.subarray(0, 20)).note, 'truncated IPv4 header');
  const arp = f.slice(0, 42);
  arp[12] = 0x08;
  arp[13] = 0x06;
  t.is(decodeFrame(arp).note, 'ethertype 0x0806');
});

test('pcap files round-trip; big-endian and nanosecond files read; pcapng and other link types are refused by name', (t) => {
  const frames = written.map((p) => buildFrame(parsePacket(p)));
  const file = writePcap(frames);
  t.deepEqual(readPcap(file).map((r) => r.frame), frames);
  // The same file as a big-endian, nanosecond-resolution writer would have written it.
  const be = file.slice();
  const dv = new DataView(be.buffer);
  const src = new DataView(file.buffer);
  dv.setUint32(0, 0xa1b23c4d, false);
  dv.setUint16(4, 2, false);
  dv.setUint16(6, 4, false);
  dv.setUint32(16, 65535, false);
  dv.setUint32(20, 1, false);
  for (let at = 24; at < be.length; ) {
    const len = src.getUint32(at + 8, true);
    for (const o of [0, 4, 8, 12]) dv.setUint32(at + o, src.getUint32(at + o, true), false);
    at += 16 + len;
  }
  const read = readPcap(be);
  t.deepEqual(read.map((r) => r.frame), frames);
  t.is(read[2]!.seconds, 2);
  t.throws(() => readPcap(new Uint8Array([0x0a, 0x0d, 0x0d, 0x0a, ...new Array(28).fill(0)]), 'x.pcapng'), { instanceOf: PcapError, message: /x\.pcapng: this is pcapng; convert it with `editcap/ });
  const sll = file.slice();
  new DataView(sll.buffer).setUint32(20, 113, true);
  t.throws(() => readPcap(sll, 'any.pcap'), { message: /link type 113; only Ethernet/ });
  t.throws(() => readPcap(file.subarray(0, file.length - 3), 'cut.pcap'), { message: /cut\.pcap: record 7 .* the file ends first/ });
});

test('trace arguments: packets split at their protocol word, quoted or not, and @NODE moves the entry node for the packets after it', (t) => {
  t.deepEqual(splitPackets(['tcp 198.51.100.7:1 > 10.0.0.1:2 syn', 'udp', '198.51.100.7:3', '>', '10.0.0.1:4', '@node2', 'icmp 198.51.100.7 > 10.0.0.2'], 'node1'), [
    { node: 'node1', text: 'tcp 198.51.100.7:1 > 10.0.0.1:2 syn' },
    { node: 'node1', text: 'udp 198.51.100.7:3 > 10.0.0.1:4' },
    { node: 'node2', text: 'icmp 198.51.100.7 > 10.0.0.2' },
  ]);
});

test('trace arguments: +SECONDS (or ms, m) before a packet is the time the clock runs first', (t) => {
  t.deepEqual(
    splitPackets(['udp 198.51.100.7:1 > 10.0.0.1:2', '+1.5s', '+500ms', 'udp 198.51.100.7:1 > 10.0.0.1:2', '+2m', 'udp 198.51.100.7:1 > 10.0.0.1:2'], 'node1').map((p) => p.waitNs),
    [undefined, 2e9, 120e9],
  );
});
