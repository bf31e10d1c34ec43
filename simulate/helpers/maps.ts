// bpf_map_lookup_elem, bpf_map_update_elem, bpf_map_delete_elem on the simulated maps, each
// recorded (map, key, value, result) when the run records map operations.

import { mapIndexOf } from '../layout.ts';
import { errno, type SimMap } from '../maps/map.ts';
import type { MapOpName, SimEnv } from '../env.ts';
import type { Helper } from './helper.ts';

function mapOf(env: SimEnv, handle: number): SimMap {
  const m = env.maps[mapIndexOf(handle)];
  if (!m) throw new Error(`map helper: ${handle} is not a map reference`);
  return m;
}

function record(env: SimEnv, m: SimMap, op: MapOpName, keyAt: number, valueAt: number, result: number): void {
  const key = env.mem.bytes(keyAt, m.def.keySize);
  const value = valueAt ? env.mem.bytes(valueAt, m.def.valueSize) : undefined;
  env.run.mapOps!.push({ map: m.def.name, op, key, ...(value ? { value } : {}), result });
}

export const mapLookup: Helper = (env, map, key) => {
  const m = mapOf(env, map);
  const at = m.lookup(key);
  if (env.run.mapOps) record(env, m, 'lookup', key, at, at ? 0 : -errno.ENOENT);
  return at;
};

export const mapUpdate: Helper = (env, map, key, value, flags) => {
  const m = mapOf(env, map);
  const rc = m.update(key, value, flags);
  if (env.run.mapOps) record(env, m, 'update', key, value, rc);
  return rc;
};

export const mapDelete: Helper = (env, map, key) => {
  const m = mapOf(env, map);
  const rc = m.delete(key);
  if (env.run.mapOps) record(env, m, 'delete', key, 0, rc);
  return rc;
};
