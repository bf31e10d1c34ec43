// The compiler's real output, generated/demo, applied by switchyard-node: every contents file the
// emitter writes (hash maps, LPM tries, Maglev tables of 64 KiB values), cluster-wide contents
// layered under each node's own. The demo has no datapath object yet, so the test adds a
// stand-in object that declares the maps as generated/demo/maps.json lays them out.

import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as a from '../../compiler/bpf/asm.ts';
import { MapType, type MapTypeName } from '../../compiler/bpf/maps.ts';
import { buildObject } from '../../compiler/bpf/object.ts';
import { array, struct, u32, u8 } from '../../compiler/bpf/ctype.ts';
import { R0 } from '../../compiler/bpf/register.ts';
import { decodeMapContentsPacked } from '../../format/map-contents.ts';
import { formatManifest, listArtifactFiles, MANIFEST_FILE, parseManifest, sha256Hex } from '../../format/manifest.ts';
import { apply } from '../../runtime/apply.ts';
import { probeHz } from '../../runtime/clock-probe.ts';
import { NODE_CLOCK_MAP, nodeClockEntry } from '../../format/node-clock.ts';
import { LiveMap } from '../../runtime/map.ts';
import { dumpMaps } from '../../runtime/dump.ts';
import { PinLayout } from '../../runtime/pins.ts';
import { mergeLayers } from '../../runtime/records.ts';
import { kernelTest } from '../helpers/kernel.ts';
import { mountBpffs, tempDir } from '../helpers/bpffs.ts';

interface LayoutJson {
  maps: Array<{ name: string; type: string; keySize: number; valueSize: number; maxEntries: number; flags: string[] }>;
}

/** An object with every map of maps.json (sizes capped: the test needs room, not production scale). */
function standInObject(layouts: LayoutJson): Uint8Array {
  return buildObject({
    maps: layouts.maps.map((m) => ({
      name: m.name,
      type: m.type.replace('BPF_MAP_TYPE_', '').toLowerCase() as MapTypeName,
      // LPM trie keys are a struct with the prefix length first; socket-local storage is
      // created only with BTF types for its key (a 32-bit int) and value.
      key: m.type === 'BPF_MAP_TYPE_LPM_TRIE' ? struct(`${m.name}_key`, [['prefixlen', u32], ['data', array(u8, m.keySize - 4)]]) : m.type === 'BPF_MAP_TYPE_SK_STORAGE' ? u32 : m.keySize,
      value: m.type === 'BPF_MAP_TYPE_SK_STORAGE' ? array(u8, m.valueSize) : m.valueSize,
      maxEntries: Math.min(m.maxEntries, 4096),
      flags: m.flags.includes('BPF_F_NO_PREALLOC') ? 1 : 0,
    })),
    programs: [{ name: 'standin', section: 'socket', items: [a.mov64(R0, 0), a.exit()] }],
  }).elf;
}

kernelTest('generated/demo applies node by node, node contents layered over the cluster-wide ones', (t) => {
  const bpffs = mountBpffs(t);
  const work = tempDir(t);
  const dir = join(work, 'demo');
  cpSync(join(process.cwd(), 'generated', 'demo'), dir, { recursive: true });
  const layouts = JSON.parse(readFileSync(join(dir, 'maps.json'), 'utf8')) as LayoutJson;
  t.true(layouts.maps.every((m) => m.type.replace('BPF_MAP_TYPE_', '').toLowerCase() in MapType));
  writeFileSync(join(dir, 'standin.o'), standInObject(layouts));
  const manifest = parseManifest(readFileSync(join(dir, MANIFEST_FILE), 'utf8'));
  for (const n of Object.values(manifest.nodes)) n.object = 'standin.o';
  manifest.files = Object.fromEntries(listArtifactFiles(dir).map((f) => [f, sha256Hex(readFileSync(join(dir, f)))]));
  writeFileSync(join(dir, MANIFEST_FILE), formatManifest(manifest));

  const hz = probeHz().hz;
  for (const node of Object.keys(manifest.nodes)) {
    const r = apply({ dir, node, bpffs, stateDir: join(work, 'state', node), devices: [] });
    t.regex(r.lines.join('\n'), /map lb4_services: added \d+/);
    // Every map with contents holds exactly the layered files, read back from the kernel.
    const byMap = new Map<string, ReturnType<typeof decodeMapContentsPacked>[]>();
    for (const f of manifest.nodes[node]!.maps) {
      const p = decodeMapContentsPacked(readFileSync(join(dir, f)), f);
      byMap.set(p.map, [...(byMap.get(p.map) ?? []), p]);
    }
    for (const [map, files] of byMap) {
      const want = mergeLayers(files.map((p) => ({ keySize: p.keySize, valueSize: p.valueSize, count: p.count, bytes: p.records })));
      const live = LiveMap.openPinned(join(bpffs, node, 'maps', map), map);
      try {
        const all = live.readAll();
        t.is(all.count, want.count, `${node} ${map}: entries`);
        for (let i = 0; i < want.count; i++) {
          const off = i * (want.keySize + want.valueSize);
          const v = live.lookup(want.bytes.subarray(off, off + want.keySize));
          t.deepEqual(v && Buffer.from(v), Buffer.from(want.bytes.subarray(off + want.keySize, off + want.keySize + want.valueSize)), `${node} ${map}: entry ${i}`);
        }
      } finally {
        live.close();
      }
      if (files.length > 1) t.true(want.count <= files.reduce((n, p) => n + p.count, 0), `${map} layered`);
    }
    // The one map no file fills: switchyard-node measured the node's jiffy and wrote it.
    const clock = LiveMap.openPinned(join(bpffs, node, 'maps', NODE_CLOCK_MAP), NODE_CLOCK_MAP);
    try {
      t.deepEqual(Buffer.from(clock.lookup(new Uint8Array(4))!), Buffer.from(nodeClockEntry(hz).value), `${node}: node_clock holds a jiffy of HZ ${hz}`);
    } finally {
      clock.close();
    }
    t.regex(apply({ dir, node, bpffs, stateDir: join(work, 'state', node), devices: [] }).lines.join('\n'), /map lb4_services: unchanged/);
    // The stand-in declares sizes only (no key/value types): dump falls back to hex.
    t.regex(dumpMaps(new PinLayout(bpffs, node), 'lb4_backends').join('\n'), /^map lb4_backends \(hash key 4 B, value 8 B, max \d+\): \d+ entries, no BTF: hex\n  ([0-9a-f]{2} ){3}[0-9a-f]{2} → ([0-9a-f]{2} ){7}[0-9a-f]{2}$/m);
  }
});
