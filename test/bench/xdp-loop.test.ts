// The packet-rate bench's generator (fixtures/xdp-loop.ts), one frame at a time through
// BPF_PROG_TEST_RUN: what it counts, the frame it sends back, DSR's option given back, the stop,
// and flood mode's new source per frame with checksums a receiver accepts.

import type { ExecutionContext } from 'ava';
import { possibleCpuCount } from '../../runtime/map.ts';
import { progTestRun } from '../../runtime/sys/bpf.ts';
import { mapLookup, mapUpdate } from '../../runtime/sys/bpf-map.ts';
import { kernelTest } from '../helpers/kernel.ts';
import { ip4, onesSum } from '../packet/frames.ts';
import { packet } from '../packet/scene.ts';
import { loadFixture, type LoadedFixture } from './load-fixture.ts';

const XDP_DROP = 1;
const XDP_TX = 3;
const zeros = (n: number) => new Array<number>(n).fill(0);
const KEY = new Uint8Array(4);

function setUp(t: ExecutionContext, template: Uint8Array, flood: boolean): LoadedFixture & { stop(): void } {
  const loop = loadFixture(t, 'xdp-loop.ts', 'xdp_loop');
  mapUpdate(loop.maps.get('loop_template')!, KEY, template);
  const config = (stop: number) => mapUpdate(loop.maps.get('loop_config')!, KEY, new Uint8Array(new Uint32Array([stop, flood ? 1 : 0]).buffer));
  config(0);
  return { ...loop, stop: () => config(1) };
}

/** Frames counted so far, summed over the CPUs. */
function counts(loop: LoadedFixture): { translated: number; other: number } {
  const value = new Uint8Array(16 * possibleCpuCount());
  mapLookup(loop.maps.get('loop_count')!, KEY, value);
  const dv = new DataView(value.buffer);
  let translated = 0;
  let other = 0;
  for (let i = 0; i < value.length; i += 16) {
    translated += Number(dv.getBigUint64(i, true));
    other += Number(dv.getBigUint64(i + 8, true));
  }
  return { translated, other };
}

kernelTest('loop generator: counts what node 1 sends back, and sends the template again with XDP_TX; a DSR option is given back; stop drops', (t) => {
  const template = packet({ proto: 'udp', src: '198.51.100.1', dst: '10.0.0.1', sport: 40000, dport: 30002, payload: zeros(18) });
  t.is(template.length, 60);
  const loop = setUp(t, template, false);
  const translated = packet({ proto: 'udp', src: '10.0.0.1', dst: '10.2.0.1', sport: 61000, dport: 9, payload: zeros(18) });
  let r = progTestRun(loop.fd, { data: translated });
  t.is(r.retval, XDP_TX);
  t.deepEqual([...r.data], [...template]);
  t.deepEqual(counts(loop), { translated: 1, other: 0 });

  // What the reflector sends back is counted, not as translated.
  r = progTestRun(loop.fd, { data: template });
  t.is(r.retval, XDP_TX);
  t.deepEqual(counts(loop), { translated: 1, other: 1 });

  // DSR put an 8-byte option into the IP header (68 bytes): the frame comes out as the template.
  const withOption = new Uint8Array(68);
  withOption.set(translated.subarray(0, 34));
  withOption[14] = 0x47;
  withOption.set([0x9a, 8, 0x75, 0x32, ...ip4('10.0.0.1')], 34);
  withOption.set(translated.subarray(34), 42);
  r = progTestRun(loop.fd, { data: withOption });
  t.is(r.retval, XDP_TX);
  t.deepEqual([...r.data], [...template]);
  t.deepEqual(counts(loop), { translated: 2, other: 1 });

  loop.stop();
  r = progTestRun(loop.fd, { data: translated });
  t.is(r.retval, XDP_DROP);
  t.deepEqual(counts(loop), { translated: 3, other: 1 });
});

kernelTest('loop generator, flood mode: each frame a new source host of 198.51.100.0/24 and port, IPv4 and TCP checksums valid', (t) => {
  const syn = packet({ src: '198.51.100.1', dst: '10.0.0.1', sport: 40000, dport: 30003 });
  const template = new Uint8Array(60);
  template.set(syn);
  const loop = setUp(t, template, true);
  const sources = new Set<string>();
  const RUNS = 200;
  for (let i = 0; i < RUNS; i++) {
    const r = progTestRun(loop.fd, { data: template });
    t.is(r.retval, XDP_TX);
    const f = r.data;
    t.is(f.length, 60);
    // Everything but the source address, the source port and the two checksums is the template's.
    const changed = [26, 27, 28, 29, 34, 35, 24, 25, 50, 51];
    for (let b = 0; b < 60; b++) if (!changed.includes(b) && f[b] !== template[b]) t.fail(`byte ${b} changed`);
    t.deepEqual([...f.subarray(26, 29)], [198, 51, 100]);
    t.true(f[29]! >= 1 && f[29]! <= 254, `host ${f[29]}`);
    const sport = (f[34]! << 8) | f[35]!;
    t.true(sport >= 1024, `port ${sport}`);
    t.is(onesSum(f.subarray(14, 34)), 0xffff, 'IPv4 header checksum');
    const pseudo = [...f.subarray(26, 34), 0, 6, 0, 20];
    t.is(onesSum(f.subarray(34, 54), onesSum(pseudo)), 0xffff, 'TCP checksum');
    sources.add(`${f[29]}:${sport}`);
  }
  t.true(sources.size >= RUNS - 5, `${sources.size} distinct sources in ${RUNS} frames`);
});
