// bpf(2) map element commands: one element at a time, and in batches where the kernel can.
// Raw and typed by bytes only; runtime/map.ts adds names, sizes and messages on top.

import { BPF_ANY, BpfCmd } from './bpf.ts';
import { addressOf, bpfSyscall, SyscallError } from './syscall.ts';

function elemAttr(fd: number, key: Uint8Array, valueOrNext: Uint8Array | null, flags: number): Buffer {
  const attr = Buffer.alloc(32);
  attr.writeUInt32LE(fd, 0);
  attr.writeBigUInt64LE(addressOf(key), 8);
  if (valueOrNext) attr.writeBigUInt64LE(addressOf(valueOrNext), 16);
  attr.writeBigUInt64LE(BigInt(flags), 24);
  return attr;
}

/** BPF_MAP_LOOKUP_ELEM into `value`; false when the key is absent. */
export function mapLookup(fd: number, key: Uint8Array, value: Uint8Array): boolean {
  try {
    bpfSyscall('BPF_MAP_LOOKUP_ELEM', BpfCmd.MAP_LOOKUP_ELEM, elemAttr(fd, key, value, 0));
    return true;
  } catch (e) {
    if (e instanceof SyscallError && e.code === 'ENOENT') return false;
    throw e;
  }
}

export function mapUpdate(fd: number, key: Uint8Array, value: Uint8Array, flags = BPF_ANY): void {
  bpfSyscall('BPF_MAP_UPDATE_ELEM', BpfCmd.MAP_UPDATE_ELEM, elemAttr(fd, key, value, flags));
}

/** BPF_MAP_DELETE_ELEM; false when the key was already absent. */
export function mapDelete(fd: number, key: Uint8Array): boolean {
  try {
    bpfSyscall('BPF_MAP_DELETE_ELEM', BpfCmd.MAP_DELETE_ELEM, elemAttr(fd, key, null, 0));
    return true;
  } catch (e) {
    if (e instanceof SyscallError && e.code === 'ENOENT') return false;
    throw e;
  }
}

/** BPF_MAP_GET_NEXT_KEY: the key after `key` (the first key when `key` is null); false at the end. */
export function mapNextKey(fd: number, key: Uint8Array | null, next: Uint8Array): boolean {
  const attr = Buffer.alloc(32);
  attr.writeUInt32LE(fd, 0);
  if (key) attr.writeBigUInt64LE(addressOf(key), 8);
  attr.writeBigUInt64LE(addressOf(next), 16);
  try {
    bpfSyscall('BPF_MAP_GET_NEXT_KEY', BpfCmd.MAP_GET_NEXT_KEY, attr);
    return true;
  } catch (e) {
    if (e instanceof SyscallError && e.code === 'ENOENT') return false;
    throw e;
  }
}

function batchAttr(fd: number, keys: Uint8Array, values: Uint8Array | null, count: number, elemFlags: number): Buffer {
  const attr = Buffer.alloc(56);
  attr.writeBigUInt64LE(addressOf(keys), 16);
  if (values) attr.writeBigUInt64LE(addressOf(values), 24);
  attr.writeUInt32LE(count, 32);
  attr.writeUInt32LE(fd, 36);
  attr.writeBigUInt64LE(BigInt(elemFlags), 40);
  return attr;
}

/** A batch command that stopped part way: `done` elements went through before the error. */
export class BatchError extends SyscallError {
  constructor(
    op: string,
    errno: number,
    readonly done: number,
  ) {
    super(op, errno);
    this.name = 'BatchError';
  }
}

/**
 * BPF_MAP_UPDATE_BATCH of `count` packed keys and values. The kernel reports how many went
 * through even on failure, so a caller can roll back exactly what was written.
 */
export function mapUpdateBatch(fd: number, keys: Uint8Array, values: Uint8Array, count: number, flags = BPF_ANY): void {
  if (count === 0) return;
  const attr = batchAttr(fd, keys, values, count, flags);
  try {
    bpfSyscall('BPF_MAP_UPDATE_BATCH', BpfCmd.MAP_UPDATE_BATCH, attr);
  } catch (e) {
    if (e instanceof SyscallError) throw new BatchError(e.op, e.errno, attr.readUInt32LE(32));
    throw e;
  }
}

/** BPF_MAP_DELETE_BATCH of `count` packed keys; every key must exist (ENOENT otherwise). */
export function mapDeleteBatch(fd: number, keys: Uint8Array, count: number): void {
  if (count === 0) return;
  const attr = batchAttr(fd, keys, null, count, 0);
  try {
    bpfSyscall('BPF_MAP_DELETE_BATCH', BpfCmd.MAP_DELETE_BATCH, attr);
  } catch (e) {
    if (e instanceof SyscallError) throw new BatchError(e.op, e.errno, attr.readUInt32LE(32));
    throw e;
  }
}

export interface LookupBatchPage {
  /** Elements in this page (packed in `keys` and `values`). */
  count: number;
  /** Opaque position for the next page; null when the map is exhausted. */
  next: Uint8Array | null;
}

/**
 * One page of BPF_MAP_LOOKUP_BATCH: up to `max` elements after `position` (null: from the start).
 * `batchSize` is the size of the opaque position token (the key size for hash maps, 4 for arrays).
 */
export function mapLookupBatch(
  fd: number,
  position: Uint8Array | null,
  batchSize: number,
  keys: Uint8Array,
  values: Uint8Array,
  max: number,
): LookupBatchPage {
  const out = new Uint8Array(batchSize);
  const attr = batchAttr(fd, keys, values, max, 0);
  if (position) attr.writeBigUInt64LE(addressOf(position), 0);
  attr.writeBigUInt64LE(addressOf(out), 8);
  try {
    bpfSyscall('BPF_MAP_LOOKUP_BATCH', BpfCmd.MAP_LOOKUP_BATCH, attr);
    return { count: attr.readUInt32LE(32), next: out };
  } catch (e) {
    // ENOENT marks the last page; the elements copied so far are still valid.
    if (e instanceof SyscallError && e.code === 'ENOENT') return { count: attr.readUInt32LE(32), next: null };
    throw e;
  }
}

/** BPF_MAP_FREEZE: user space can no longer write the map; the verifier may trust its contents. */
export function mapFreeze(fd: number): void {
  const attr = Buffer.alloc(8);
  attr.writeUInt32LE(fd, 0);
  bpfSyscall('BPF_MAP_FREEZE', BpfCmd.MAP_FREEZE, attr);
}
