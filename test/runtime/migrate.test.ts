// A map the datapath fills (conntrack) keeps its entries across an apply that changes its value
// struct: the replaced map's entries are copied into the new one field by field, by name, with
// new fields at zero; a key that gains a field is refused with the reason in apply's report.

import type { ExecutionContext } from 'ava';
import { join } from 'node:path';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as a from '../../compiler/bpf/asm.ts';
import { array, be16, be32, struct, u16, u32, u64, type CType } from '../../compiler/bpf/ctype.ts';
import { buildObject } from '../../compiler/bpf/object.ts';
import { R0 } from '../../compiler/bpf/register.ts';
import { formatManifest, listArtifactFiles, MANIFEST_FILE, MANIFEST_FORMAT, sha256Hex } from '../../format/manifest.ts';
import { apply } from '../../runtime/apply.ts';
import { probeHz } from '../../runtime/clock-probe.ts';
import { NODE_CLOCK_MAP, nsPerJiffy } from '../../format/node-clock.ts';
import { PinLayout } from '../../runtime/pins.ts';
import { objGet } from '../../runtime/sys/bpf-obj.ts';
import { mapLookup, mapNextKey, mapUpdate } from '../../runtime/sys/bpf-map.ts';
import { closeFd } from '../../runtime/sys/syscall.ts';
import { kernelTest } from '../helpers/kernel.ts';
import { mountBpffs, tempDir } from '../helpers/bpffs.ts';
import { createCgroup } from '../helpers/cgroup.ts';

const key = struct('ct_key', [['saddr', be32], ['dport', be16], ['pad', u16]]);
/** A key that grows a field: old entries cannot say what it should hold. */
const widerKey = struct('ct_key', [['saddr', be32], ['daddr', be32], ['dport', be16], ['pad', u16]]);
const v1 = struct('ct_value', [['lifetime', u64], ['backend_id', u32], ['pad', u32]]);
/** A field inserted before backend_id (which moves), another added at the end. */
const v2 = struct('ct_value', [['lifetime', u64], ['ifindex', u32], ['backend_id', u32], ['dmac', array(u16, 3)], ['pad', u16]]);

/** The conntrack clock's change: `lifetime` in jiffies became `expires` in nanoseconds, beside node_clock. */
const v4 = struct('ct_value', [['expires', u64], ['ifindex', u32], ['backend_id', u32], ['dmac', array(u16, 3)], ['pad', u16]]);

function write(dir: string, k: CType, v: CType, clock = false): void {
  mkdirSync(dir, { recursive: true });
  const elf = buildObject({
    maps: [
      { name: 'ct', type: 'lru_hash', key: k, value: v, maxEntries: 64 },
      ...(clock ? [{ name: NODE_CLOCK_MAP, type: 'array' as const, key: u32, value: u64, maxEntries: 1 }] : []),
    ],
    programs: [{ name: 'sock4_connect', section: 'cgroup/connect4', items: [a.ldMap(R0, 'ct'), a.mov64(R0, 1), a.exit()] }],
  }).elf;
  writeFileSync(join(dir, 'node.o'), elf);
  const files = Object.fromEntries(listArtifactFiles(dir).map((f) => [f, sha256Hex(readFileSync(join(dir, f)))]));
  writeFileSync(join(dir, MANIFEST_FILE), formatManifest({ format: MANIFEST_FORMAT, generator: 'switchyard test', cluster: 'mig', inputHash: 'x', nodes: { n1: { object: 'node.o', maps: [] } }, files }));
}

function ctKey(i: number): Uint8Array {
  return new Uint8Array([198, 51, 100, i, 0, 80, 0, 0]);
}

/** Every entry of the pinned map, key bytes (hex) → value bytes. */
function entries(pin: string, valueSize: number, keySize = 8): Map<string, Uint8Array> {
  const fd = objGet(pin);
  const out = new Map<string, Uint8Array>();
  try {
    let prev: Uint8Array | null = null;
    for (;;) {
      const next = new Uint8Array(keySize);
      if (!mapNextKey(fd, prev, next)) break;
      const v = new Uint8Array(valueSize);
      if (mapLookup(fd, next, v)) out.set(Buffer.from(next).toString('hex'), v);
      prev = next;
    }
  } finally {
    closeFd(fd);
  }
  return out;
}

/** A node n1 in a fresh bpffs and cgroup; run(dir) applies dir and returns the report. */
function node(t: ExecutionContext): { work: string; pins: PinLayout; run: (dir: string) => string } {
  const bpffs = mountBpffs(t);
  const work = tempDir(t);
  const cg = createCgroup(t);
  const pins = new PinLayout(bpffs, 'n1');
  const run = (dir: string) => apply({ dir, node: 'n1', bpffs, stateDir: join(work, 'state'), cgroup: cg.relative, devices: [] }).lines.join('\n');
  return { work, pins, run };
}

kernelTest('conntrack entries survive a value struct change: copied by field name, new fields zero', (t) => {
  const { work, pins, run } = node(t);

  write(join(work, 'v1'), key, v1);
  run(join(work, 'v1'));
  const fd = objGet(pins.map('ct'));
  for (let i = 1; i <= 3; i++) {
    const v = new Uint8Array(16);
    const dv = new DataView(v.buffer);
    dv.setBigUint64(0, 1000n + BigInt(i), true);
    dv.setUint32(8, 40 + i, true);
    dv.setUint32(12, 0xdeadbeef, true); // padding: must not reappear anywhere
    mapUpdate(fd, ctKey(i), v);
  }
  closeFd(fd);

  write(join(work, 'v2'), key, v2);
  const report = run(join(work, 'v2'));
  t.regex(report, /map ct: contents not managed \(no contents file\), replaced \([^)]*\); 3 entries carried over from the replaced map/);
  const now = entries(pins.map('ct'), 24);
  t.is(now.size, 3);
  for (let i = 1; i <= 3; i++) {
    const v = now.get(Buffer.from(ctKey(i)).toString('hex'));
    t.truthy(v, `entry ${i} carried over`);
    const dv = new DataView(v!.buffer);
    t.is(dv.getBigUint64(0, true), 1000n + BigInt(i), 'lifetime kept');
    t.is(dv.getUint32(12, true), 40 + i, 'backend_id moved to its new offset');
    t.deepEqual([...v!.subarray(8, 12)], [0, 0, 0, 0], 'ifindex starts at zero');
    t.deepEqual([...v!.subarray(16, 24)], [0, 0, 0, 0, 0, 0, 0, 0], 'dmac and padding start at zero');
  }

  write(join(work, 'v3'), widerKey, v2);
  const refused = run(join(work, 'v3'));
  t.regex(refused, /map ct: .*replaced .*; entries not carried over: key dport,saddr became daddr,dport,saddr/);
  t.is(entries(pins.map('ct'), 24, 12).size, 0, 'a key that changed shape starts empty');
});

kernelTest('conntrack lifetimes in jiffies become expiry times in the node clock\'s nanoseconds across the apply that renames them', (t) => {
  const { work, pins, run } = node(t);
  write(join(work, 'v2'), key, v2);
  run(join(work, 'v2'));
  const fd = objGet(pins.map('ct'));
  const jiffies = (i: number) => 4_295_000_000n + BigInt(i);
  for (let i = 1; i <= 3; i++) {
    const v = new Uint8Array(24);
    const dv = new DataView(v.buffer);
    dv.setBigUint64(0, jiffies(i), true);
    dv.setUint32(12, 40 + i, true);
    mapUpdate(fd, ctKey(i), v);
  }
  closeFd(fd);

  write(join(work, 'v4'), key, v4, true);
  t.regex(run(join(work, 'v4')), /map ct: .*replaced .*; 3 entries carried over from the replaced map/);
  const perJiffy = nsPerJiffy(probeHz().hz);
  const clock = entries(pins.map(NODE_CLOCK_MAP), 8, 4);
  t.is(new DataView(clock.get('00000000')!.buffer).getBigUint64(0, true), perJiffy, 'node_clock holds the measured jiffy');
  const now = entries(pins.map('ct'), 24);
  for (let i = 1; i <= 3; i++) {
    const dv = new DataView(now.get(Buffer.from(ctKey(i)).toString('hex'))!.buffer);
    t.is(dv.getBigUint64(0, true), jiffies(i) * perJiffy, 'the same jiffy, in nanoseconds');
    t.is(dv.getUint32(12, true), 40 + i, 'backend_id kept');
  }
});
