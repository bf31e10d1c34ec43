// Conntrack lifetimes in seconds on this kernel, whatever its HZ: switchyard-node's probe finds
// the kernel's CONFIG_HZ, the datapath's clock (jiffies times the jiffy the probe wrote) runs at
// CLOCK_MONOTONIC's pace, and a new entry expires exactly its lifetime after the packet that made
// it. Until the clock was scaled, entries lived 1000/HZ times their lifetime (4x at HZ 250).

import type { ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { packetTest } from './packet-test.ts';
import { TCP_ACK, TCP_FIN } from './frames.ts';
import { CLIENT, NODE, packet, scene } from './scene.ts';
import { decodeStruct, encodeStruct } from './tables.ts';
import * as L from '../../compiler/emit/map-layouts.ts';
import { LIFETIME_TCP, LIFETIME_TCP_CLOSING, LIFETIME_TCP_SYN, LIFETIME_UDP, NS_PER_SECOND } from '../../compiler/datapath/nodeport/constants.ts';
import { KCONFIG_HZ, NODE_CLOCK_MAP, nodeClockEntry, nsPerJiffy } from '../../format/node-clock.ts';
import { jiffiesReader, probeHz } from '../../runtime/clock-probe.ts';
import { mapLookup, mapUpdate } from '../../runtime/sys/bpf-map.ts';
import { kernelTest } from '../helpers/kernel.ts';

/** CONFIG_HZ from the kernel's config, where this machine has it (/proc/config.gz, /boot). */
function configHz(): number | undefined {
  const release = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
  const text = existsSync('/proc/config.gz')
    ? gunzipSync(readFileSync('/proc/config.gz')).toString('utf8')
    : existsSync(`/boot/config-${release}`)
      ? readFileSync(`/boot/config-${release}`, 'utf8')
      : undefined;
  const m = text?.match(/^CONFIG_HZ=(\d+)$/m);
  return m ? Number(m[1]) : undefined;
}

kernelTest('switchyard-node\'s clock probe finds the kernel\'s CONFIG_HZ', (t) => {
  const probe = probeHz();
  t.true(KCONFIG_HZ.includes(probe.hz), `HZ ${probe.hz}`);
  t.true(Math.abs(probe.measured - probe.hz) <= 0.05 * probe.hz, `measured ${probe.measured} jiffies a second`);
  const config = configHz();
  if (config === undefined) t.log('no kernel config on this machine: HZ checked against Kconfig\'s values only');
  else t.is(probe.hz, config, 'the probe agrees with the kernel\'s config');
  t.log(`HZ ${probe.hz} (measured ${probe.measured.toFixed(2)} a second)`);
});

/** Jiffies (low 32 bits) read between two CLOCK_MONOTONIC readings, which bound when it was read. */
function bracketed(read: () => number): { jiffies: number; lo: bigint; hi: bigint } {
  const lo = process.hrtime.bigint();
  const jiffies = read();
  return { jiffies, lo, hi: process.hrtime.bigint() };
}

function ctLifetime(t: ExecutionContext, maps: Map<string, number>, key: Record<string, string | number>): bigint {
  const value = new Uint8Array(L.CT4_VALUE.size);
  t.true(mapLookup(maps.get('ct4')!, encodeStruct(L.CT4_KEY, { flags: 0, ...key }), value), `ct4 entry ${JSON.stringify(key)}`);
  return decodeStruct(L.CT4_VALUE, value).expires as bigint;
}

for (const hook of ['tc', 'xdp'] as const) {
  packetTest(`${hook}: conntrack lifetimes are seconds on this kernel's HZ (60 s for a SYN and UDP, 6 h established, 10 s closing)`, async (t) => {
    const { dp } = scene(t, { hook });
    const probe = probeHz();
    const entry = nodeClockEntry(probe.hz);
    mapUpdate(dp.maps.get(NODE_CLOCK_MAP)!, entry.key, entry.value);
    const perJiffy = nsPerJiffy(probe.hz);
    const jiffies = jiffiesReader();
    t.teardown(() => jiffies.close());

    // The clock's pace: jiffies times the node's jiffy against CLOCK_MONOTONIC over a quarter
    // of a second, to within a tick at each end (plus how long each read took).
    const a = bracketed(jiffies.read);
    await new Promise((r) => setTimeout(r, 250));
    const b = bracketed(jiffies.read);
    const clockNs = BigInt((b.jiffies - a.jiffies) >>> 0) * perJiffy;
    const slack = 2n * perJiffy;
    t.true(clockNs >= b.lo - a.hi - slack && clockNs <= b.hi - a.lo + slack, `the clock counted ${clockNs} ns while CLOCK_MONOTONIC counted ${b.lo - a.hi}..${b.hi - a.lo} ns`);

    // Each lifetime, from the jiffy of the packet that set it: the entry's expiry less the
    // lifetime is a whole number of jiffies, one the reads before and after the packet bracket.
    const expect = (what: string, frame: Uint8Array, key: Record<string, string | number>, lifetime: number) => {
      const before = jiffies.read();
      dp.ingress(frame);
      const after = jiffies.read();
      const start = ctLifetime(t, dp.maps, key) - BigInt(lifetime);
      t.is(start % perJiffy, 0n, `${what}: set from whole jiffies of ${perJiffy} ns`);
      const at = Number((start / perJiffy) & 0xffff_ffffn);
      t.true(((at - before) >>> 0) <= ((after - before) >>> 0), `${what}: set at jiffy ${at}, between ${before} and ${after}: it expires ${lifetime / NS_PER_SECOND} s after its packet`);
    };
    const tcp = { saddr: CLIENT, daddr: NODE, sport: 44200, dport: 30001, protocol: 6 };
    expect('SYN', packet({ src: CLIENT, dst: NODE, sport: 44200, dport: 30001 }), tcp, LIFETIME_TCP_SYN);
    expect('UDP', packet({ src: CLIENT, dst: NODE, sport: 44201, dport: 30001, proto: 'udp' }), { ...tcp, sport: 44201, protocol: 17 }, LIFETIME_UDP);
    // The SYN's entry, 60 s to go, moves on to 6 h: more than LIFETIME_REFRESH away.
    expect('established', packet({ src: CLIENT, dst: NODE, sport: 44200, dport: 30001, flags: TCP_ACK }), tcp, LIFETIME_TCP);
    expect('FIN', packet({ src: CLIENT, dst: NODE, sport: 44200, dport: 30001, flags: TCP_FIN | TCP_ACK }), tcp, LIFETIME_TCP_CLOSING);
  });
}
