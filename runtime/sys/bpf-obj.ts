// bpf(2) object commands: pins (OBJ_PIN, OBJ_GET), object info by fd, fds by id, and BTF_LOAD.
// The info structs are decoded only as far as status, dump and apply need them.

import { BpfCmd } from './bpf.ts';
import { addressOf, bpfSyscall, SyscallError } from './syscall.ts';

function cString(s: string): Buffer {
  return Buffer.from(s + '\0', 'utf8');
}

/** BPF_OBJ_PIN: the kernel creates the pin with mode 0600 (less the umask). */
export function objPin(fd: number, path: string): void {
  const p = cString(path);
  const attr = Buffer.alloc(24);
  attr.writeBigUInt64LE(addressOf(p), 0);
  attr.writeUInt32LE(fd, 8);
  bpfSyscall(`BPF_OBJ_PIN ${path}`, BpfCmd.OBJ_PIN, attr);
}

/** BPF_OBJ_GET: a new fd for the object pinned at `path`. */
export function objGet(path: string, flags = 0): number {
  const p = cString(path);
  const attr = Buffer.alloc(24);
  attr.writeBigUInt64LE(addressOf(p), 0);
  attr.writeUInt32LE(flags, 12);
  return bpfSyscall(`BPF_OBJ_GET ${path}`, BpfCmd.OBJ_GET, attr);
}

/** BPF_OBJ_GET, or null when nothing is pinned at `path`. */
export function objGetIfPinned(path: string): number | null {
  try {
    return objGet(path);
  } catch (e) {
    if (e instanceof SyscallError && e.code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * BPF_ENABLE_STATS (BPF_STATS_RUN_TIME): programs count their run time and runs while the
 * returned fd is open. Unlike the kernel.bpf_stats_enabled sysctl, closing the fd is all the
 * cleanup there is, and other users' setting is left alone.
 */
export function enableRunTimeStats(): number {
  const attr = Buffer.alloc(8);
  attr.writeUInt32LE(0, 0);
  return bpfSyscall('BPF_ENABLE_STATS', BpfCmd.ENABLE_STATS, attr);
}

function infoByFd(fd: number, size: number, prepare?: (info: Buffer) => void): Buffer {
  const info = Buffer.alloc(size);
  prepare?.(info);
  const attr = Buffer.alloc(16);
  attr.writeUInt32LE(fd, 0);
  attr.writeUInt32LE(size, 4);
  attr.writeBigUInt64LE(addressOf(info), 8);
  bpfSyscall('BPF_OBJ_GET_INFO_BY_FD', BpfCmd.OBJ_GET_INFO_BY_FD, attr);
  return info;
}

function cName(b: Buffer, off: number): string {
  const raw = b.subarray(off, off + 16);
  const end = raw.indexOf(0);
  return raw.toString('utf8', 0, end < 0 ? 16 : end);
}

export interface MapInfo {
  type: number;
  id: number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  name: string;
  btfId: number;
  btfKeyTypeId: number;
  btfValueTypeId: number;
}

export function mapInfo(fd: number): MapInfo {
  const b = infoByFd(fd, 88);
  return {
    type: b.readUInt32LE(0),
    id: b.readUInt32LE(4),
    keySize: b.readUInt32LE(8),
    valueSize: b.readUInt32LE(12),
    maxEntries: b.readUInt32LE(16),
    flags: b.readUInt32LE(20),
    name: cName(b, 24),
    btfId: b.readUInt32LE(64),
    btfKeyTypeId: b.readUInt32LE(68),
    btfValueTypeId: b.readUInt32LE(72),
  };
}

export interface ProgInfo {
  type: number;
  id: number;
  /** The kernel's hash of the program's instructions, hex. */
  tag: string;
  name: string;
  mapIds: number[];
  btfId: number;
  /** Nanoseconds since boot. */
  loadTime: bigint;
  verifiedInsns: number;
  /** Time spent in the program and its runs, while statistics are enabled (enableRunTimeStats). */
  runTimeNs: bigint;
  runCnt: bigint;
}

export function progInfo(fd: number): ProgInfo {
  const maxMaps = 64;
  const ids = Buffer.alloc(maxMaps * 4);
  const b = infoByFd(fd, 232, (info) => {
    info.writeUInt32LE(maxMaps, 52);
    info.writeBigUInt64LE(addressOf(ids), 56);
  });
  const nMaps = Math.min(b.readUInt32LE(52), maxMaps);
  return {
    type: b.readUInt32LE(0),
    id: b.readUInt32LE(4),
    tag: b.subarray(8, 16).toString('hex'),
    name: cName(b, 64),
    mapIds: Array.from({ length: nMaps }, (_, i) => ids.readUInt32LE(i * 4)),
    btfId: b.readUInt32LE(128),
    loadTime: b.readBigUInt64LE(40),
    verifiedInsns: b.readUInt32LE(216),
    runTimeNs: b.readBigUInt64LE(192),
    runCnt: b.readBigUInt64LE(200),
  };
}

export interface LinkInfo {
  type: number;
  id: number;
  progId: number;
  /** XDP and tcx links. */
  ifindex?: number;
  /** cgroup links. */
  cgroupId?: bigint;
  attachType?: number;
}

export function linkInfo(fd: number): LinkInfo {
  const b = infoByFd(fd, 64);
  const type = b.readUInt32LE(0);
  const out: LinkInfo = { type, id: b.readUInt32LE(4), progId: b.readUInt32LE(8) };
  if (type === 6) out.ifindex = b.readUInt32LE(16); // XDP: { ifindex }
  if (type === 11) {
    out.ifindex = b.readUInt32LE(16); // TCX: { ifindex, attach_type }
    out.attachType = b.readUInt32LE(20);
  }
  if (type === 3) {
    out.cgroupId = b.readBigUInt64LE(16); // CGROUP: { cgroup_id, attach_type }
    out.attachType = b.readUInt32LE(24);
  }
  return out;
}

/** The raw BTF blob the kernel holds for `btfFd` (for dump, when only the pin is left). */
export function btfBytes(btfFd: number): Uint8Array {
  const size = infoByFd(btfFd, 32).readUInt32LE(8);
  const data = Buffer.alloc(size);
  infoByFd(btfFd, 32, (info) => {
    info.writeBigUInt64LE(addressOf(data), 0);
    info.writeUInt32LE(size, 8);
  });
  return new Uint8Array(data);
}

const GetFdCmd = { prog: BpfCmd.PROG_GET_FD_BY_ID, map: BpfCmd.MAP_GET_FD_BY_ID, btf: BpfCmd.BTF_GET_FD_BY_ID, link: BpfCmd.LINK_GET_FD_BY_ID } as const;

/** BPF_{PROG,MAP,BTF,LINK}_GET_FD_BY_ID. */
export function fdById(kind: keyof typeof GetFdCmd, id: number): number {
  const attr = Buffer.alloc(12);
  attr.writeUInt32LE(id, 0);
  return bpfSyscall(`BPF_${kind.toUpperCase()}_GET_FD_BY_ID ${id}`, GetFdCmd[kind], attr);
}

export interface BtfLoadResult {
  fd: number;
  log: string;
}

/** BPF_BTF_LOAD of a raw .BTF blob; on refusal the kernel's BTF log is in the error message. */
export function btfLoad(btf: Uint8Array, logLevel = 0): BtfLoadResult {
  const data = Buffer.from(btf);
  const log = Buffer.alloc(logLevel ? 1 << 16 : 0);
  const attr = Buffer.alloc(32);
  attr.writeBigUInt64LE(addressOf(data), 0);
  if (log.length) attr.writeBigUInt64LE(addressOf(log), 8);
  attr.writeUInt32LE(data.length, 16);
  attr.writeUInt32LE(log.length, 20);
  attr.writeUInt32LE(logLevel, 24);
  const text = () => log.toString('utf8', 0, Math.max(0, log.indexOf(0)));
  try {
    return { fd: bpfSyscall('BPF_BTF_LOAD', BpfCmd.BTF_LOAD, attr), log: text() };
  } catch (e) {
    if (e instanceof SyscallError && logLevel === 0 && e.code !== 'EPERM') return btfLoad(btf, 1);
    if (e instanceof SyscallError) {
      const reason = text().trim().split('\n').filter(Boolean).at(-1);
      throw new SyscallError(e.op, e.errno, `BPF_BTF_LOAD: ${e.code}${reason ? `: ${reason}` : ''}`);
    }
    throw e;
  }
}
