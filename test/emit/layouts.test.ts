// Map layouts as C would lay them out, and encoded entries that decode to what the plan says,
// in the byte order the datapath expects.

import test from 'ava';
import { decodeMapContents } from '../../format/map-contents.ts';
import { BACKEND_SET, LB4_KEY, LB_SERVICE, MAGLEV_KEY, mapLayouts, offsets, SERVICE_FLAGS, SERVICE_KIND, struct } from '../../compiler/emit/map-layouts.ts';
import { talkSpec } from '../plan/helpers.ts';
import { compileSpec } from './helpers.ts';

test('every struct is laid out as C would: natural alignment, no hidden padding', (t) => {
  const layouts = mapLayouts(talkSpec().cluster.maps, 16381);
  for (const l of layouts) {
    for (const s of [l.key, l.value]) {
      let end = 0;
      for (const f of s.fields) {
        t.is(f.offset, end, `${s.name}.${f.name} follows the previous field`);
        end = f.offset + f.size;
      }
      t.is(end, s.size, `${s.name}: fields cover the struct`);
    }
  }
  t.throws(() => struct('bad', [['a', 'u8'], ['b', 'u32']]), { message: /not 4-byte aligned/ });
  t.deepEqual(layouts.map((l) => l.name).filter((n) => n.startsWith('lb4_')), ['lb4_services', 'lb4_backends', 'lb4_reverse_nat', 'lb4_source_ranges', 'lb4_affinity', 'lb4_sock_reverse_nat', 'lb4_sock_peer']);
});

test('service map entries: network-order address and port, slot 0 with counts and flags', (t) => {
  const { set, plan } = compileSpec(talkSpec());
  const services = decodeMapContents(set.files.get('maps/lb4_services.bin')!);
  const K = offsets(LB4_KEY);
  const V = offsets(LB_SERVICE);
  // default/web: ClusterIP 10.5.0.1:8080, three backends.
  const entry = services.entries.filter((e) => e.key[0] === 10 && e.key[1] === 5 && e.key[2] === 0 && e.key[3] === 1);
  t.is(entry.length, 4, 'slot 0 and three backend slots');
  const slot0 = entry.find((e) => new DataView(e.key.buffer, e.key.byteOffset).getUint16(K.slot!, true) === 0)!;
  const key = new DataView(slot0.key.buffer, slot0.key.byteOffset);
  t.is(key.getUint16(K.port!, false), 8080, 'port in network order');
  t.is(slot0.key[K.protocol!], 6);
  const v = new DataView(slot0.value.buffer, slot0.value.byteOffset);
  t.is(v.getUint16(V.count!, true), 3);
  t.is(v.getUint16(V.terminating!, true), 0);
  const web = plan.services.find((s) => s.key === 'default/web')!.units[0]!;
  t.is(v.getUint16(V.rev_nat_id!, true), web.frontends[0]!.revNatId);
  t.is(v.getUint16(V.service_id!, true), web.id);
  t.is(v.getUint16(V.flags!, true), SERVICE_KIND.ClusterIP << 8, 'a ClusterIP: not routable, no flags');
  const backendIds = entry.filter((e) => e !== slot0).map((e) => new DataView(e.value.buffer, e.value.byteOffset).getUint32(V.backend_id!, true)).sort();
  t.deepEqual(backendIds, web.backends.map((b) => b.backend.id).sort());
});

test('NodePort entries are wildcards: address 0, flagged for every local address', (t) => {
  const { set } = compileSpec(talkSpec());
  const services = decodeMapContents(set.files.get('maps/lb4_services.bin')!);
  const V = offsets(LB_SERVICE);
  const wild = services.entries.filter((e) => e.key.slice(0, 4).every((b) => b === 0) && new DataView(e.key.buffer, e.key.byteOffset).getUint16(8, true) === 0);
  t.true(wild.length >= 2);
  for (const e of wild) {
    const flags = new DataView(e.value.buffer, e.value.byteOffset).getUint16(V.flags!, true);
    t.is(flags >> 8, SERVICE_KIND.NodePort);
    t.truthy(flags & SERVICE_FLAGS.WILDCARD.bit);
    t.truthy(flags & SERVICE_FLAGS.ROUTABLE.bit);
  }
});

test('Maglev tables are one binary value per table, never text per slot', (t) => {
  const s = talkSpec();
  s.cluster = { ...s.cluster, datapath: { ...s.cluster.datapath, algorithm: 'maglev', maglevTableSize: 251 } };
  const { set } = compileSpec(s);
  const m = decodeMapContents(set.files.get('maps/lb_maglev.bin')!);
  t.is(m.valueSize, 251 * 4);
  t.is(m.entries.length, 4);
  const text = Buffer.from(set.files.get('maglev.txt')!).toString();
  t.true(text.split('\n').length < 10, 'one line per table');
  t.regex(text, /default\/web:http\/TCP IPv4 set=all slots=251 \d+:\d+ \d+:\d+ \d+:\d+/);
});

test('Maglev: a HostPort\'s node holds a table for it, its pod in every slot', (t) => {
  // The datapath looks every `all` entry up in lb_maglev; a HostPort without a table had no backend.
  const s = talkSpec();
  s.cluster = { ...s.cluster, datapath: { ...s.cluster.datapath, algorithm: 'maglev', maglevTableSize: 251 } };
  const { set, plan } = compileSpec(s);
  const unit = plan.hostPorts[0]!;
  const podId = unit.backends[0]!.backend.id;
  const K = offsets(MAGLEV_KEY);
  const tablesOn = (node: string) => {
    const bin = set.files.get(`nodes/${node}/maps/lb_maglev.bin`);
    return bin ? decodeMapContents(bin).entries : [];
  };
  const mine = (e: { key: Uint8Array }) => new DataView(e.key.buffer, e.key.byteOffset).getUint16(K.service_id!, true) === unit.id;
  const found = tablesOn('node1').filter(mine);
  t.is(found.length, 1, 'node1 holds one table for its HostPort');
  const e = found[0]!;
  t.is(e.key[K.set!], BACKEND_SET.all);
  t.is(e.key[K.family!], 4);
  const slots = new DataView(e.value.buffer, e.value.byteOffset, e.value.byteLength);
  const ids = new Set(Array.from({ length: 251 }, (_, i) => slots.getUint32(i * 4, true)));
  t.deepEqual([...ids], [podId]);
  t.is(tablesOn('node2').filter(mine).length, 0, 'no other node has the HostPort');
  t.false(decodeMapContents(set.files.get('maps/lb_maglev.bin')!).entries.some(mine), 'nor the cluster-wide map');
});
