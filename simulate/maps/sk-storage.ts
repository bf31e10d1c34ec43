// Socket-local storage (BPF_MAP_TYPE_SK_STORAGE): the map names a kind of value, each simulated
// socket (named by its cookie) holds its own. Programs reach a value only through
// bpf_sk_storage_get/delete on the socket of their call (../helpers/sk-storage.ts); the map's
// own lookup/update/delete are what user space does with a socket fd, which a simulated socket
// has not, so they fail as the kernel fails them for a program (the verifier refuses those).

import type { BpfMapDef } from '../../format/bpf-object.ts';
import type { SimMemory } from '../memory.ts';
import { errno, MapError, type SimMap } from './map.ts';

/** The value ctx->sk holds in a sock_addr hook: a handle naming the socket, above any address. */
export const SOCKET_HANDLE_BASE = 0x2_0000_0000;
export const socketHandle = (cookie: number): number => SOCKET_HANDLE_BASE + cookie;
export const cookieOfHandle = (handle: number): number => handle - SOCKET_HANDLE_BASE;

export class SkStorageMap implements SimMap {
  /** Value addresses by socket cookie. */
  private readonly bySocket = new Map<number, number>();
  private readonly free: number[] = [];

  constructor(
    readonly def: BpfMapDef,
    private readonly mem: SimMemory,
  ) {}

  get size(): number {
    return this.bySocket.size;
  }

  /** The socket's value, or 0; `create` makes a missing one from `initAt` (0: zeroed). */
  socketValue(cookie: number, create: boolean, initAt: number): number {
    const at = this.bySocket.get(cookie);
    if (at !== undefined || !create) return at ?? 0;
    const fresh = this.free.pop() ?? this.mem.alloc(this.def.valueSize);
    if (initAt) this.mem.u8.copyWithin(fresh, initAt, initAt + this.def.valueSize);
    else this.mem.u8.fill(0, fresh, fresh + this.def.valueSize);
    this.bySocket.set(cookie, fresh);
    return fresh;
  }

  /** bpf_sk_storage_delete, and the socket's end: 0, or -ENOENT when it held no value. */
  release(cookie: number): number {
    const at = this.bySocket.get(cookie);
    if (at === undefined) return -errno.ENOENT;
    this.bySocket.delete(cookie);
    this.free.push(at);
    return 0;
  }

  lookup(): number {
    return 0;
  }
  update(): number {
    return -errno.EINVAL;
  }
  delete(): number {
    return -errno.EINVAL;
  }

  /** A socket's value by its cookie (8 bytes, little-endian, in place of a socket fd). */
  get(key: Uint8Array): Uint8Array | undefined {
    const at = this.bySocket.get(cookieOf(key));
    return at === undefined ? undefined : this.mem.bytes(at, this.def.valueSize);
  }

  set(): void {
    throw new MapError(this.def.name, 'socket-local storage is filled by the programs of the sockets that hold it, not from outside');
  }

  remove(key: Uint8Array): boolean {
    return this.release(cookieOf(key)) === 0;
  }

  /** Every socket's value, keyed by the socket's cookie (8 bytes, little-endian). */
  entries(): Array<{ key: Uint8Array; value: Uint8Array }> {
    return [...this.bySocket].map(([cookie, at]) => {
      const key = new Uint8Array(8);
      new DataView(key.buffer).setBigUint64(0, BigInt(cookie), true);
      return { key, value: this.mem.bytes(at, this.def.valueSize) };
    });
  }
}

function cookieOf(key: Uint8Array): number {
  if (key.length !== 8) throw new RangeError(`socket-local storage is keyed by a socket's 8-byte cookie here, not ${key.length} bytes`);
  return Number(new DataView(key.buffer, key.byteOffset, 8).getBigUint64(0, true));
}
