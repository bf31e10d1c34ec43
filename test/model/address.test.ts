// Address parsing: one canonical form per address (v4-mapped IPv6 becomes IPv4), bad text refused.

import test from 'ava';
import { cidrContains, formatAddress, parseAddress, parseCidr } from '../../compiler/model/address.ts';

test('IPv4, IPv6 and IPv4-mapped addresses parse to one canonical form', (t) => {
  t.deepEqual(parseAddress('10.0.0.1')?.text, '10.0.0.1');
  t.is(parseAddress('10.0.0.1')?.family, 4);
  t.is(parseAddress('FD00:0:0:0:0:0:0:1')?.text, 'fd00::1');
  t.is(parseAddress('2001:db8:0:0:1:0:0:1')?.text, '2001:db8::1:0:0:1', 'the first of two equal zero runs is compressed');
  t.is(parseAddress('2001:db8:0:1:1:1:1:1')?.text, '2001:db8:0:1:1:1:1:1', 'a single zero group is not compressed');
  const mapped = parseAddress('::ffff:192.0.2.1');
  t.is(mapped?.family, 4, 'v4-mapped becomes IPv4: the datapath looks it up in the v4 tables');
  t.is(mapped?.text, '192.0.2.1');
  t.is(parseAddress('::')?.text, '::');
  t.is(parseAddress('64:ff9b::192.0.2.1')?.text, '64:ff9b::c000:201');
});

test('malformed addresses are refused', (t) => {
  for (const bad of ['10.0.0', '10.0.0.256', '010.0.0.1', '1::2::3', '1:2:3:4:5:6:7:8:9', 'fd00::g', '', 'a.b.c.d', ':::', '1.2.3.4:80']) {
    t.is(parseAddress(bad), undefined, bad);
  }
});

test('prefixes: host bits, containment, v4-mapped prefixes', (t) => {
  t.is(parseCidr('10.5.0.0/16')?.text, '10.5.0.0/16');
  t.is(parseCidr('10.5.0.1/16'), undefined, 'host bits set');
  t.is(parseCidr('10.5.0.1/16', true)?.text, '10.5.0.0/16');
  t.is(parseCidr('fd00:10:5::/108')?.prefix, 108);
  t.is(parseCidr('::ffff:10.0.0.0/104')?.text, '10.0.0.0/8');
  const c = parseCidr('10.5.0.0/16')!;
  t.true(cidrContains(c, parseAddress('10.5.255.255')!));
  t.false(cidrContains(c, parseAddress('10.6.0.0')!));
  t.false(cidrContains(c, parseAddress('fd00::1')!));
  t.is(formatAddress(new Uint8Array(16)), '::');
});
