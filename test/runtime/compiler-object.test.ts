// Objects written by our own compiler backend (compiler/bpf) load through switchyard-node as
// clang's do: maps from BTF .maps with their key/value types (dump decodes them), map
// relocations, a BPF-to-BPF call linked in, func and line info accepted by the kernel.

import { join } from 'node:path';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as a from '../../compiler/bpf/asm.ts';
import { be16, be32, struct, u16, u32 } from '../../compiler/bpf/ctype.ts';
import { buildObject } from '../../compiler/bpf/object.ts';
import { R0, R1, R2, R6, R10 } from '../../compiler/bpf/register.ts';
import { encodeMapContents } from '../../format/map-contents.ts';
import { formatManifest, listArtifactFiles, MANIFEST_FILE, MANIFEST_FORMAT, sha256Hex } from '../../format/manifest.ts';
import { apply } from '../../runtime/apply.ts';
import { dumpMaps } from '../../runtime/dump.ts';
import { PinLayout } from '../../runtime/pins.ts';
import { kernelTest } from '../helpers/kernel.ts';
import { mountBpffs, tempDir } from '../helpers/bpffs.ts';
import { createCgroup } from '../helpers/cgroup.ts';

const svcKey = struct('svc_key', [['vip', be32], ['port', be16], ['slot', u16]]);
const svcValue = struct('svc_value', [['backend', u32]]);
const src = (line: number, text: string) => ({ file: 'connect4.ts', line, col: 3, text });

function object(): Uint8Array {
  return buildObject({
    maps: [{ name: 'services', type: 'hash', key: svcKey, value: svcValue, maxEntries: 16 }],
    functions: [
      {
        name: 'allow',
        items: a.at(src(20, 'return 1;'), a.mov64(R0, 1), a.exit()),
      },
    ],
    programs: [
      {
        name: 'sock4_connect',
        section: 'cgroup/connect4',
        items: [
          ...a.at(src(10, 'const key = { vip: ctx.user_ip4, port: ctx.user_port, slot: 0 };'),
            a.mov64(R6, R1),
            a.ldx('u32', R1, R6, 4),
            a.stx('u32', R10, -8, R1),
            a.ldx('u32', R1, R6, 24),
            a.stx('u16', R10, -4, R1),
            a.st('u16', R10, -2, 0),
          ),
          ...a.at(src(11, 'services.lookup(key);'), a.mov64(R2, R10), a.add64(R2, -8), a.ldMap(R1, 'services'), a.call('map_lookup_elem')),
          ...a.at(src(12, 'return allow();'), a.callLocal('allow'), a.exit()),
        ],
      },
    ],
  }).elf;
}

kernelTest('an object from our own backend applies, and dump decodes its BTF types', (t) => {
  const bpffs = mountBpffs(t);
  const work = tempDir(t);
  const cg = createCgroup(t);
  const dir = join(work, 'generated');
  mkdirSync(join(dir, 'maps'), { recursive: true });
  writeFileSync(join(dir, 'node.o'), object());
  const key = new Uint8Array([192, 0, 2, 10, 0, 80, 0, 0]);
  writeFileSync(join(dir, 'maps', 'services.bin'), encodeMapContents({ map: 'services', keySize: 8, valueSize: 4, entries: [{ key, value: new Uint8Array([1, 0, 0, 0]) }] }));
  const files = Object.fromEntries(listArtifactFiles(dir).map((f) => [f, sha256Hex(readFileSync(join(dir, f)))]));
  writeFileSync(
    join(dir, MANIFEST_FILE),
    formatManifest({ format: MANIFEST_FORMAT, generator: 'switchyard test', cluster: 'own', inputHash: 'x', nodes: { n1: { object: 'node.o', maps: ['maps/services.bin'] } }, files }),
  );

  const r = apply({ dir, node: 'n1', bpffs, stateDir: join(work, 'state'), cgroup: cg.relative, devices: [] });
  t.regex(r.lines.join('\n'), /program sock4_connect \(section cgroup\/connect4\): loaded/);
  t.regex(r.lines.join('\n'), /link sock4_connect@cgroup: created and pinned/);
  const dump = dumpMaps(new PinLayout(bpffs, 'n1')).join('\n');
  t.regex(dump, /\{ vip = 192\.0\.2\.10, port = 80, slot = 0 \} → \{ backend = 1 \}/);
});
