// Typed bpf(2) commands over the raw syscall, and the uapi constants they take: program load,
// map creation and test runs here; element, object and link commands in bpf-map.ts, bpf-obj.ts
// and bpf-link.ts. Attribute layouts follow the kernel's union bpf_attr (include/uapi/linux/bpf.h).

import { attachTypes, mapTypes, progTypes, upperKeys } from '../../format/bpf-uapi.ts';
import { addressOf, bpfSyscall, SyscallError } from './syscall.ts';

export const BpfCmd = {
  MAP_CREATE: 0,
  MAP_LOOKUP_ELEM: 1,
  MAP_UPDATE_ELEM: 2,
  MAP_DELETE_ELEM: 3,
  MAP_GET_NEXT_KEY: 4,
  PROG_LOAD: 5,
  OBJ_PIN: 6,
  OBJ_GET: 7,
  PROG_TEST_RUN: 10,
  PROG_GET_FD_BY_ID: 13,
  MAP_GET_FD_BY_ID: 14,
  OBJ_GET_INFO_BY_FD: 15,
  BTF_LOAD: 18,
  BTF_GET_FD_BY_ID: 19,
  MAP_FREEZE: 22,
  ENABLE_STATS: 32,
  MAP_LOOKUP_BATCH: 24,
  MAP_UPDATE_BATCH: 26,
  MAP_DELETE_BATCH: 27,
  LINK_CREATE: 28,
  LINK_UPDATE: 29,
  LINK_GET_FD_BY_ID: 30,
  LINK_DETACH: 34,
} as const;

export const ProgType = upperKeys(progTypes);

/** enum bpf_attach_type, in the uapi's spelling (CGROUP_INET4_CONNECT, TCX_INGRESS). */
export const AttachType = upperKeys(attachTypes);

export const MapType = upperKeys(mapTypes);

/** enum bpf_link_type, as BPF_OBJ_GET_INFO_BY_FD reports it. */
export const LinkType = {
  CGROUP: 3,
  NETNS: 5,
  XDP: 6,
  TCX: 11,
} as const;

/** prog_flags of BPF_PROG_LOAD. */
export const BPF_F_STRICT_ALIGNMENT = 1 << 0;
/** map_flags of BPF_MAP_CREATE. */
export const BPF_F_NO_PREALLOC = 1 << 0;
/** BPF_LINK_UPDATE: replace only if the link still runs old_prog_fd. */
export const BPF_F_REPLACE = 1 << 2;
/** Flags of BPF_MAP_UPDATE_ELEM and of batch updates. */
export const BPF_ANY = 0;
export const BPF_NOEXIST = 1;
export const BPF_EXIST = 2;

export interface ProgLoadOptions {
  type: number;
  /** Encoded instructions, 8 bytes each. */
  insns: Uint8Array;
  license: string;
  expectedAttachType?: number;
  name?: string;
  flags?: number;
  /** 0: no log; 1: the verifier's messages; 2: every instruction's state. */
  logLevel?: number;
  logSize?: number;
  btfFd?: number;
  funcInfo?: { bytes: Uint8Array; recSize: number; count: number };
  lineInfo?: { bytes: Uint8Array; recSize: number; count: number };
}

export interface ProgLoadResult {
  fd: number;
  log: string;
}

/** The verifier refused a program: the summary line first, the whole log kept for --verbose. */
export class VerifierError extends SyscallError {
  constructor(
    errno: number,
    readonly log: string,
    name: string,
  ) {
    const lines = log.trimEnd().split('\n').filter((l) => l.trim() !== '');
    const reason = lines.findLast((l) => !/^processed \d+ insns|^verification time/.test(l)) ?? 'no verifier log';
    super('BPF_PROG_LOAD', errno, `load program ${name || '(unnamed)'}: the kernel verifier refused it: ${reason}`);
    this.name = 'VerifierError';
  }
}

function cString(s: string): Buffer {
  return Buffer.from(s + '\0', 'utf8');
}

/** BPF_PROG_LOAD. Always asks for a log; on refusal throws VerifierError with it. */
export function progLoad(o: ProgLoadOptions): ProgLoadResult {
  const attr = Buffer.alloc(160);
  const license = cString(o.license);
  const insns = Buffer.from(o.insns.buffer, o.insns.byteOffset, o.insns.byteLength);
  const logLevel = o.logLevel ?? 1;
  const log = Buffer.alloc(logLevel ? (o.logSize ?? 1 << 20) : 0);
  attr.writeUInt32LE(o.type, 0);
  attr.writeUInt32LE(o.insns.length / 8, 4);
  attr.writeBigUInt64LE(addressOf(insns), 8);
  attr.writeBigUInt64LE(addressOf(license), 16);
  attr.writeUInt32LE(logLevel, 24);
  attr.writeUInt32LE(log.length, 28);
  attr.writeBigUInt64LE(log.length ? addressOf(log) : 0n, 32);
  attr.writeUInt32LE(o.flags ?? 0, 44); // prog_flags
  const name = Buffer.alloc(16);
  name.write((o.name ?? '').slice(0, 15), 'utf8');
  name.copy(attr, 48);
  attr.writeUInt32LE(o.expectedAttachType ?? 0, 68);
  if (o.btfFd !== undefined) attr.writeUInt32LE(o.btfFd, 72); // prog_btf_fd
  if (o.funcInfo) {
    attr.writeUInt32LE(o.funcInfo.recSize, 76);
    attr.writeBigUInt64LE(addressOf(o.funcInfo.bytes), 80);
    attr.writeUInt32LE(o.funcInfo.count, 88);
  }
  if (o.lineInfo) {
    attr.writeUInt32LE(o.lineInfo.recSize, 92);
    attr.writeBigUInt64LE(addressOf(o.lineInfo.bytes), 96);
    attr.writeUInt32LE(o.lineInfo.count, 104);
  }
  const text = () => log.toString('utf8', 0, Math.max(0, log.indexOf(0)));
  try {
    const fd = bpfSyscall('BPF_PROG_LOAD', BpfCmd.PROG_LOAD, attr);
    // Keep the buffers alive across the call (they are referenced by address only).
    void insns, void license, void o.funcInfo, void o.lineInfo;
    return { fd, log: text() };
  } catch (e) {
    // An empty log means the verifier never ran (EPERM, a bad attribute): that is no refusal.
    if (e instanceof SyscallError && logLevel && text().trim() !== '') throw new VerifierError(e.errno, text(), o.name ?? '');
    throw e;
  }
}

export interface MapCreateOptions {
  type: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags?: number;
  name?: string;
  innerMapFd?: number;
  btfFd?: number;
  btfKeyTypeId?: number;
  btfValueTypeId?: number;
}

/** BPF_MAP_CREATE; returns the map's fd. */
export function mapCreate(o: MapCreateOptions): number {
  const attr = Buffer.alloc(72);
  attr.writeUInt32LE(o.type, 0);
  attr.writeUInt32LE(o.keySize, 4);
  attr.writeUInt32LE(o.valueSize, 8);
  attr.writeUInt32LE(o.maxEntries, 12);
  attr.writeUInt32LE(o.flags ?? 0, 16);
  attr.writeUInt32LE(o.innerMapFd ?? 0, 20);
  const name = Buffer.alloc(16);
  name.write((o.name ?? '').slice(0, 15), 'utf8');
  name.copy(attr, 28);
  if (o.btfFd !== undefined) {
    attr.writeUInt32LE(o.btfFd, 48);
    attr.writeUInt32LE(o.btfKeyTypeId ?? 0, 52);
    attr.writeUInt32LE(o.btfValueTypeId ?? 0, 56);
  }
  return bpfSyscall(`BPF_MAP_CREATE ${o.name ?? ''}`.trim(), BpfCmd.MAP_CREATE, attr);
}

export interface TestRunOptions {
  /** Packet bytes (XDP, tc) given to the program. */
  data?: Uint8Array;
  /** Room for the packet the program gives back; default: the input size plus 256. */
  dataOutSize?: number;
  /** Context in (e.g. a struct __sk_buff or xdp_md), where the program type takes one. */
  ctx?: Uint8Array;
  ctxOutSize?: number;
  repeat?: number;
  flags?: number;
  /** With BPF_F_TEST_XDP_LIVE_FRAMES: frames per batch (the kernel's default is 64). */
  batchSize?: number;
}

/** BPF_PROG_TEST_RUN flag: XDP_TX and XDP_REDIRECT send the frames for real (a traffic generator). */
export const BPF_F_TEST_XDP_LIVE_FRAMES = 1 << 1;

export interface TestRunResult {
  retval: number;
  data: Uint8Array;
  ctx: Uint8Array;
  /** Mean nanoseconds per run as the kernel measured it. */
  durationNs: number;
}

/** BPF_PROG_TEST_RUN: run a loaded program on a packet (and context) inside the kernel. */
export function progTestRun(progFd: number, o: TestRunOptions = {}): TestRunResult {
  const attr = Buffer.alloc(80);
  const dataIn = o.data ? Buffer.from(o.data) : Buffer.alloc(0);
  const dataOut = Buffer.alloc(o.dataOutSize ?? (o.data ? dataIn.length + 256 : 0));
  const ctxIn = o.ctx ? Buffer.from(o.ctx) : Buffer.alloc(0);
  const ctxOut = Buffer.alloc(o.ctxOutSize ?? ctxIn.length);
  attr.writeUInt32LE(progFd, 0);
  attr.writeUInt32LE(dataIn.length, 8);
  attr.writeUInt32LE(dataOut.length, 12);
  if (dataIn.length) attr.writeBigUInt64LE(addressOf(dataIn), 16);
  if (dataOut.length) attr.writeBigUInt64LE(addressOf(dataOut), 24);
  attr.writeUInt32LE(o.repeat ?? 1, 32);
  attr.writeUInt32LE(ctxIn.length, 40);
  attr.writeUInt32LE(ctxOut.length, 44);
  if (ctxIn.length) attr.writeBigUInt64LE(addressOf(ctxIn), 48);
  if (ctxOut.length) attr.writeBigUInt64LE(addressOf(ctxOut), 56);
  attr.writeUInt32LE(o.flags ?? 0, 64);
  attr.writeUInt32LE(o.batchSize ?? 0, 72);
  bpfSyscall('BPF_PROG_TEST_RUN', BpfCmd.PROG_TEST_RUN, attr);
  const dataOutLen = attr.readUInt32LE(12);
  const ctxOutLen = attr.readUInt32LE(44);
  return {
    retval: attr.readUInt32LE(4),
    data: new Uint8Array(dataOut.subarray(0, dataOutLen)),
    ctx: new Uint8Array(ctxOut.subarray(0, ctxOutLen)),
    durationNs: attr.readUInt32LE(36),
  };
}
