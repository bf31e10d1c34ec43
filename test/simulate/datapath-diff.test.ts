// The proof that the simulator runs the datapath as the kernel does: the north-south programs
// of every variant (tc and XDP; SNAT and DSR; random and Maglev) run the same seeded corpus (corpus.ts: flows
// through every frontend type and datapath path, ICMP errors, fragments, IPv6 extension
// headers, mutated and random frames) in the kernel and in WebAssembly, with the same tables;
// return code and output packet are compared for every packet, the map entries a packet changed
// on the simulator's side after it (map-compare.ts), and every map at checkpoints and at the end.
// Once the ingress program has run its count, the corpus turns to frames for egress
// (EGRESS_MIX), so neither program runs far more packets than asked for.
// SWITCHYARD_DIFF_PACKETS sets how many packets each variant's ingress program (tc or XDP) and
// its egress program run at least (default 100,000: about 18 s of CPU a variant; docs/simulate.md
// has the figures).

import { kernelTestSerial } from '../helpers/kernel.ts';
import { enterPacketNetns, PACKET_NETNS_TOOLS, type Variant } from '../packet/harness.ts';
import { EGRESS_MIX, EVEN_MIX, runCorpus, writeTables, type Send } from './corpus.ts';
import { loadDual } from './dual.ts';
import { seeded } from './insn-cases.ts';

const PACKETS = Number(process.env.SWITCHYARD_DIFF_PACKETS ?? 100000);
const CHECKPOINT = 25000;

// Conntrack of 4 × 65536 entries: a 100,000-packet run never fills it (a full LRU map forgets
// other flows than the kernel's would; see simulate/maps/hash.ts).
const SCALE = 65536;
// Each hook runs both forwarding modes and both backend choices (random and Maglev: its
// tables written for every service by tables.ts), in four variants rather than eight.
const variants: Variant[] = [
  { hook: 'tc', scale: SCALE },
  { hook: 'tc', dsr: true, maglev: true, scale: SCALE },
  { hook: 'xdp', maglev: true, scale: SCALE },
  { hook: 'xdp', dsr: true, scale: SCALE },
];

for (const v of variants) {
  const name = `${v.hook}${v.dsr ? ' dsr' : ''}${v.maglev ? ' maglev' : ''}`;
  kernelTestSerial(`${name}: kernel and WebAssembly agree on ${PACKETS} packets a program (return code, packet, maps)`, async (t) => {
    const devices = enterPacketNetns(t);
    const dual = await loadDual(t, v, devices);
    writeTables(dual.kernel);
    dual.mirror();
    t.deepEqual(dual.compareMaps(), [], 'the tables start equal');
    const ingress = v.hook === 'xdp' ? 'nodeport_xdp' : 'nodeport_ingress';
    const mismatches: string[] = [];
    const counts = new Map<string, number>();
    let sent = 0;
    let refused = 0;
    let maglevHits = 0;
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    const note = (m: string) => mismatches.length < 8 && mismatches.push(m);
    const send = (s: Send) => {
      // XDP passes what it does not handle up to tc: run the tc ingress program beside it too.
      const programs = s.program === 'egress' ? ['nodeport_egress'] : v.hook === 'xdp' && sent % 4 === 0 ? [ingress, 'nodeport_ingress'] : [ingress];
      let first: { retval: number; data: Uint8Array } | undefined;
      for (const program of programs) {
        const r = dual.run(program, s.frame, devices[s.device]);
        if (!r) {
          refused++;
          continue;
        }
        sent++;
        maglevHits += r.sim.ops.filter((o) => o.map === 'lb_maglev' && o.result === 0).length;
        counts.set(program, (counts.get(program) ?? 0) + 1);
        if (r.kernel.retval !== r.sim.retval || Buffer.compare(Buffer.from(r.kernel.data), Buffer.from(r.sim.data)) !== 0) {
          note(`${program} on ${s.device}: frame ${hex(s.frame)}: kernel rc ${r.kernel.retval} ${hex(r.kernel.data)}, wasm rc ${r.sim.retval} ${hex(r.sim.data)}`);
        }
        const maps = sent % CHECKPOINT === 0 ? dual.compareMaps() : dual.compareEntries(r.sim.changed);
        if (maps.length) note(`${program} on ${s.device}: frame ${hex(s.frame)}: maps differ after it: ${maps.slice(0, 3).join('; ')}`);
        first ??= r.kernel;
      }
      return first ?? { retval: -1, data: s.frame };
    };
    const random = seeded(v.hook === 'xdp' ? 29 : 31);
    const done = () => (counts.get(ingress) ?? 0) >= PACKETS && (counts.get('nodeport_egress') ?? 0) >= PACKETS;
    while (!done() && mismatches.length === 0) runCorpus(random, send, 50, (counts.get(ingress) ?? 0) >= PACKETS ? EGRESS_MIX : EVEN_MIX);
    t.deepEqual(dual.compareMaps(), [], 'every map agrees at the end');
    t.log(`${sent} packets (${refused} more refused by BPF_PROG_TEST_RUN itself): ${[...counts].map(([p, n]) => `${p} ${n}`).join(', ')}; conntrack entries: ${dual.sim.maps.get('ct4')!.size} IPv4, ${dual.sim.maps.get('ct6')!.size} IPv6`);
    t.deepEqual(mismatches, []);
    t.true(dual.sim.maps.get('ct4')!.size > 0, 'flows were translated');
    if (v.maglev) t.true(maglevHits > 0, 'backends were chosen from Maglev tables');
  }, PACKET_NETNS_TOOLS);
}
