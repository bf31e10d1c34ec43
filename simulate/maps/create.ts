// A simulated map for each map definition of an object, by type; a type the simulator does not
// model is refused by name.

import type { BpfMapDef } from '../../format/bpf-object.ts';
import { mapTypes, uapiName } from '../../format/bpf-uapi.ts';
import type { SimMemory } from '../memory.ts';
import { ArrayMap } from './array.ts';
import { HashMap } from './hash.ts';
import { LpmTrieMap } from './lpm-trie.ts';
import { MapError, type SimMap } from './map.ts';
import { SkStorageMap } from './sk-storage.ts';

export function createMap(def: BpfMapDef, mem: SimMemory): SimMap {
  switch (def.type) {
    case mapTypes.hash:
    case mapTypes.percpu_hash:
      return new HashMap(def, mem, false);
    case mapTypes.lru_hash:
    case mapTypes.lru_percpu_hash:
      return new HashMap(def, mem, true);
    case mapTypes.array:
    case mapTypes.percpu_array:
      return new ArrayMap(def, mem);
    case mapTypes.lpm_trie:
      return new LpmTrieMap(def, mem);
    case mapTypes.sk_storage:
      return new SkStorageMap(def, mem);
    default:
      throw new MapError(def.name, `type ${uapiName(mapTypes, def.type)} is not simulated (hash, array, lru_hash, their per-CPU forms, lpm_trie and sk_storage are)`);
  }
}
