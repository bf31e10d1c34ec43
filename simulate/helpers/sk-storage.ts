// bpf_sk_storage_get and bpf_sk_storage_delete on the socket a sock_addr hook runs for (its
// ctx->sk, a handle naming the simulated socket by cookie), as the kernel behaves: flags other
// than BPF_SK_STORAGE_GET_F_CREATE give NULL; with it, a missing value is made from the initial
// value (NULL: zeroed). Recorded as lookups and updates keyed by the socket's cookie.

import { mapIndexOf } from '../layout.ts';
import { cookieOfHandle, SkStorageMap } from '../maps/sk-storage.ts';
import { errno } from '../maps/map.ts';
import type { MapOpName, SimEnv } from '../env.ts';
import type { Helper } from './helper.ts';

const F_CREATE = 1;

function storageOf(env: SimEnv, handle: number): SkStorageMap {
  const m = env.maps[mapIndexOf(handle)];
  if (!(m instanceof SkStorageMap)) throw new Error(`sk_storage helper: ${handle} is no socket-local storage map`);
  return m;
}

function record(env: SimEnv, m: SkStorageMap, op: MapOpName, cookie: number, at: number, result: number): void {
  const key = new Uint8Array(8);
  new DataView(key.buffer).setBigUint64(0, BigInt(cookie), true);
  env.run.mapOps!.push({ map: m.def.name, op, key, ...(at ? { value: env.mem.bytes(at, m.def.valueSize) } : {}), result });
}

export const skStorageGet: Helper = (env, map, sk, value, flags) => {
  const m = storageOf(env, map);
  const cookie = cookieOfHandle(sk);
  if (flags > F_CREATE || flags < 0) return 0;
  const had = m.socketValue(cookie, false, 0);
  const at = had || m.socketValue(cookie, (flags & F_CREATE) !== 0, value);
  if (env.run.mapOps) record(env, m, had || !at ? 'lookup' : 'update', cookie, at, at ? 0 : -errno.ENOENT);
  return at;
};

export const skStorageDelete: Helper = (env, map, sk) => {
  const m = storageOf(env, map);
  const cookie = cookieOfHandle(sk);
  const rc = m.release(cookie);
  if (env.run.mapOps) record(env, m, 'delete', cookie, 0, rc);
  return rc;
};
