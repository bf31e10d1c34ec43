// The simulator's conntrack clock, modelled as the kernel reads it on each HZ: bpf_jiffies64 is
// whole ticks of the virtual clock, node_clock holds the jiffy switchyard-node would measure,
// and an entry's lifetime is seconds of the virtual clock on every HZ (to within a tick).

import test from 'ava';
import { compiledFixture } from './cli-run.ts';
import { packet } from '../packet/scene.ts';
import { TCP_ACK } from '../packet/frames.ts';
import { decodeStruct, encodeStruct } from '../packet/tables.ts';
import * as L from '../../compiler/emit/map-layouts.ts';
import { LIFETIME_TCP_SYN } from '../../compiler/datapath/nodeport/constants.ts';
import { KCONFIG_HZ, NODE_CLOCK_MAP, nodeClockEntry, nsPerJiffy } from '../../format/node-clock.ts';
import { loadSimNode } from '../../simulate/load.ts';
import { TraceCluster } from '../../simulate/trace/cluster.ts';

/** Not on a tick of any HZ, so that the clock's rounding down to a jiffy shows. */
const START = 1_000_003_700_001;
const flow = { src: '198.51.100.7', dst: '10.0.0.1', dport: 30001 };

for (const hz of KCONFIG_HZ) {
  test(`HZ ${hz}: node_clock holds the jiffy, a SYN's entry expires 60 s of virtual time after it, and not before`, async (t) => {
    const dir = await compiledFixture('talk-snat');
    const node = TraceCluster.open(dir).node('node1');
    const sim = await loadSimNode({ dir, node: 'node1', network: node.network, clock: { ns: START, hz }, trace: false });
    t.deepEqual([...sim.maps.get(NODE_CLOCK_MAP)!.get(new Uint8Array(4))!], [...nodeClockEntry(hz).value]);
    const ifindex = [...node.devices.keys()][0]!;
    const send = (sport: number, flags?: number) => {
      const r = sim.runPacket({ hook: 'tc-ingress', ifindex, packet: packet({ ...flow, sport, ...(flags ? { flags } : {}) }) });
      return (r.packet[34]! << 8) | r.packet[35]!;
    };
    // Two flows opened in the same jiffy: one is looked at before its 60 s are up (which makes
    // it established), the other only after.
    const early = send(40000);
    const late = send(40001);
    const entry = sim.maps.get('ct4')!.get(encodeStruct(L.CT4_KEY, { saddr: flow.src, daddr: flow.dst, sport: 40000, dport: flow.dport, protocol: 6, flags: 0 }));
    const jiffies = BigInt(Math.floor((START * hz) / 1e9));
    t.is(decodeStruct(L.CT4_VALUE, entry!).expires, jiffies * nsPerJiffy(hz) + BigInt(LIFETIME_TCP_SYN), 'the SYN\'s jiffy times the jiffy, plus 60 s');
    const tick = Number(nsPerJiffy(hz));
    sim.advance(LIFETIME_TCP_SYN - tick);
    t.is(send(40000, TCP_ACK), early, 'a tick before 60 s the flow keeps its SNAT port');
    sim.advance(3 * tick);
    t.not(send(40001, TCP_ACK), late, 'two ticks after, its entry has expired: a new SNAT port');
  });
}
