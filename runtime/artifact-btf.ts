// A live map's value type, for readers that decode entries (dump, /metrics' per-service
// counters). The kernel opens a map's BTF by id only for CAP_SYS_ADMIN, which switchyard-node
// otherwise does without (docs/deploy.md): then the applied artifacts stand in, since the
// object they name declares the map with the same types the kernel's copy holds.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapBtf } from './dump.ts';
import type { Btf } from '../format/bpf-object-btf.ts';
import { btfSizeOf } from '../format/btf-read.ts';
import { readBpfObject } from '../format/elf-read.ts';
import { MANIFEST_FILE, parseManifest } from '../format/manifest.ts';
import type { LiveMap } from './map.ts';

export interface ValueBtf {
  btf: Btf;
  valueTypeId: number;
}

/** The last object read, by its path: the agent asks once per scrape, for the same revision. */
let cached: { path: string; maps: Map<string, ValueBtf> } | undefined;

/** The value type `dir`'s object for `node` declares for map `name`; undefined if none. */
export function artifactValueBtf(dir: string, node: string, name: string): ValueBtf | undefined {
  try {
    const object = parseManifest(readFileSync(join(dir, MANIFEST_FILE), 'utf8')).nodes[node]?.object;
    if (!object) return undefined;
    const path = join(dir, object);
    if (cached?.path !== path) {
      const obj = readBpfObject(readFileSync(path), path);
      const maps = new Map<string, ValueBtf>();
      for (const m of obj.maps) if (obj.btf && m.valueTypeId) maps.set(m.name, { btf: obj.btf.parsed, valueTypeId: m.valueTypeId });
      cached = { path, maps };
    }
    return cached.maps.get(name);
  } catch {
    return undefined; // the revision's directory is gone (git-sync prunes old worktrees)
  }
}

/**
 * `m`'s value type: the kernel's BTF when this process may open it, else (given the applied
 * `artifacts`) the object's declaration of the map, if its size is the live map's.
 */
export function mapValueBtf(m: LiveMap, name: string, artifacts?: { dir: string; node: string }): ValueBtf | undefined {
  const { btf } = mapBtf(m);
  if (btf) return { btf, valueTypeId: m.info.btfValueTypeId };
  const declared = artifacts && artifactValueBtf(artifacts.dir, artifacts.node, name);
  return declared && btfSizeOf(declared.btf, declared.valueTypeId) === m.valueSize ? declared : undefined;
}
