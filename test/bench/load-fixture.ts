// A bench fixture (test/bench/fixtures/*.ts, BPF-TS) compiled and loaded as one XDP program with
// its maps, for the packet-rate bench and the test of its generator.

import { join } from 'node:path';
import { encode } from '../../compiler/bpf/encode.ts';
import { linkItems } from '../../compiler/bpf/link-items.ts';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { compileFiles } from '../../compiler/lang/compile.ts';
import { mapCreate, progLoad, ProgType } from '../../runtime/sys/bpf.ts';
import { requiredMapBtf } from '../../verifier/kernel.ts';
import { closeFd } from '../../runtime/sys/syscall.ts';
import type { Cleanup } from '../helpers/netns.ts';

export interface LoadedFixture {
  fd: number;
  maps: Map<string, number>;
}

/** Compiles and loads `program` of fixtures/`file` and its maps, closed in teardown. */
export function loadFixture(c: Cleanup, file: string, program: string): LoadedFixture {
  const r = compileFiles([join(import.meta.dirname, 'fixtures', file)], { config: {} });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`compile ${file}:\n${errors.map(formatDiagnostic).join('\n')}`);
  const maps = new Map<string, number>();
  for (const m of r.maps) {
    const fd = mapCreate({ type: m.mapType, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags, name: m.name, ...requiredMapBtf(m.mapType, m.valueSize) });
    maps.set(m.name, fd);
    c.teardown(() => closeFd(fd));
  }
  const fd = progLoad({ type: ProgType.XDP, insns: encode(linkItems(r.object, program), { maps }).bytes, license: 'GPL', name: program }).fd;
  c.teardown(() => closeFd(fd));
  return { fd, maps };
}
