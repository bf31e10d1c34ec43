// Address parsing and canonical text: the spec stores addresses as canonical text, so the same
// address written two ways must compare equal everywhere downstream.

import test from 'ava';
import { compareAddressText, coveringCIDR, formatCIDR, formatIP, parseCIDR, parseIP, parseLegacyCIDR, parseLegacyIP, parseSpan, spansOverlap } from '../../compiler/spec/ip.ts';

const canonical = (s: string) => {
  const p = parseIP(s);
  return p.value ? formatIP(p.value) : `error: ${p.error}`;
};

test('IPv6 is printed as RFC 5952 says: lowercase, no leading zeros, the longest zero run as ::', (t) => {
  t.is(canonical('FD00:0010:0000:0000:0000:0000:0000:0001'), 'fd00:10::1');
  t.is(canonical('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
  t.is(canonical('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
  t.is(canonical('0:0:0:0:0:0:0:0'), '::');
  t.is(canonical('::ffff:192.0.2.1'), '::ffff:192.0.2.1');
  t.is(canonical('1:2:3:4:5:6:198.51.100.1'), '1:2:3:4:5:6:c633:6401');
});

test('malformed addresses are refused with a reason', (t) => {
  t.regex(canonical('10.0.0'), /four dot-separated/);
  t.regex(canonical('10.0.0.256'), /more than 255/);
  t.regex(canonical('10.0.0.01'), /leading zero/);
  t.regex(canonical('1::2::3'), /only once/);
  t.regex(canonical('1:2:3:4:5:6:7:8:9'), /eight groups/);
  t.regex(canonical('fe80::1%eth0'), /zone/);
  t.regex(canonical('12345::'), /hex digits/);
});

test('CIDRs must have their host bits clear, and say which network was meant', (t) => {
  t.is(formatCIDR(parseCIDR('fd00:10:5:0::/108').value!), 'fd00:10:5::/108');
  t.regex(parseCIDR('10.1.0.7/24').error!, /network is 10\.1\.0\.0\/24/);
  t.regex(parseCIDR('10.1.0.0/33').error!, /0 to 32/);
});

test('legacy addresses and CIDRs read as the API server and kube-proxy read them: leading zeros decimal, host bits cleared, and say so', (t) => {
  // A CIDR when the text has a slash, else an address; the reading and what was loose about it.
  const legacy = (s: string) => {
    const p = s.includes('/') ? parseLegacyCIDR(s) : parseLegacyIP(s);
    if (p.value === undefined) return `error: ${p.error}`;
    const text = 'prefix' in p.value ? formatCIDR(p.value) : formatIP(p.value);
    return `${text}${p.loose ? ` (${p.loose})` : ''}`;
  };
  t.is(legacy('10.0.0.0/8'), '10.0.0.0/8');
  t.is(legacy('010.0.0.0/8'), '10.0.0.0/8 (leading zeros read as decimal)');
  t.is(legacy('198.51.100.7/24'), '198.51.100.0/24 (host bits cleared)');
  t.is(legacy('010.1.2.3/8'), '10.0.0.0/8 (leading zeros read as decimal, host bits cleared)');
  t.is(legacy('2001:db8::1/32'), '2001:db8::/32 (host bits cleared)');
  t.regex(legacy('10.0.0.0/33'), /error: .*0 to 32/);
  t.regex(legacy('10.0.0.256/8'), /error: .*more than 255/);
  t.regex(legacy('bogus'), /error: /);
  t.is(legacy('010.1.2.030'), '10.1.2.30 (leading zeros read as decimal)');
  t.is(legacy('10.1.2.3'), '10.1.2.3');
  t.is(legacy('fd00:0010::1'), 'fd00:10::1');
  t.regex(legacy('010.1.2.256'), /error: .*more than 255/);
});

test('ranges, overlap and ordering', (t) => {
  const pool = parseSpan('10.3.0.10-10.3.0.20').value!;
  t.true(spansOverlap(pool, parseCIDR('10.3.0.16/28').value!));
  t.false(spansOverlap(pool, parseCIDR('10.3.0.0/29').value!));
  t.false(spansOverlap(pool, parseCIDR('::/0').value!));
  t.deepEqual(['fd00::1', '10.1.0.10', '10.1.0.2'].sort(compareAddressText), ['10.1.0.2', '10.1.0.10', 'fd00::1']);
  const ips = ['10.96.0.10', '10.97.3.4'].map((s) => parseIP(s).value!);
  t.is(formatCIDR(coveringCIDR(ips, 16)!), '10.96.0.0/15');
});
