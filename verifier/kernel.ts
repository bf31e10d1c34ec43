// The kernel as the oracle: loads a VerifyInput with BPF_PROG_LOAD (creating its maps first,
// once per map table) and reports the verdict, the log and the kernel's own figures.
// For `switchyard verify --kernel`, the differential tests and the benchmark; needs CAP_BPF.

import { mapCreate, progLoad, BPF_F_STRICT_ALIGNMENT, VerifierError } from '../runtime/sys/bpf.ts';
import { mapFreeze, mapUpdate } from '../runtime/sys/bpf-map.ts';
import { btfLoad } from '../runtime/sys/bpf-obj.ts';
import { closeFd, SyscallError } from '../runtime/sys/syscall.ts';
import type { VerifyInput } from './input.ts';
import { BtfBuilder } from '../compiler/bpf/btf-write.ts';
import { mapTypes } from '../format/bpf-uapi.ts';

export interface KernelVerdict {
  accepted: boolean;
  /** The verifier log (level 1 plus statistics). */
  log: string;
  /** The log's last reason line when refused. */
  reason: string;
  /** `verification time N usec` from the log, when present. */
  usec?: number;
  /** `processed N insns`. */
  processed?: number;
  /** errno name when the load failed (EACCES for the verifier, E2BIG, EINVAL, ...). */
  errno?: string;
}

const LD_IMM64 = 0x18;

/** A copy of the instructions with every map reference's index replaced by the map's fd. */
export function patchMapFds(insns: Uint8Array, fds: number[]): Uint8Array {
  const out = new Uint8Array(insns);
  const view = new DataView(out.buffer);
  for (let at = 0; at + 16 <= out.length; at += 8) {
    if (out[at] !== LD_IMM64) continue;
    const src = out[at + 1]! >> 4;
    if (src === 1 || src === 2) {
      const idx = view.getInt32(at + 4, true);
      const fd = fds[idx];
      // An index out of the table is left as is: the kernel then refuses a bad fd, as it should.
      if (fd !== undefined) view.setInt32(at + 4, fd, true);
    }
    at += 8;
  }
  return out;
}

function lastReason(log: string): string {
  const lines = log.trimEnd().split('\n').filter((l) => l.trim() !== '');
  return lines.findLast((l) => !/^processed \d+ insns|^verification time|^stack depth/.test(l)) ?? '';
}

/**
 * Loads the program into this kernel; never throws for a refusal, only for setup failures.
 * A load that fails only because the log overflowed (ENOSPC: the kernel logs every branch at
 * level 1, and long loops fill any buffer) is retried with statistics only, for the verdict.
 */
export function kernelVerify(input: VerifyInput, logLevel = 1 | 4): KernelVerdict {
  const first = kernelVerifyOnce(input, logLevel);
  if (first.errno !== 'ENOSPC' || logLevel === 4) return first;
  const quiet = kernelVerifyOnce(input, 4);
  if (quiet.accepted) return quiet;
  return { ...quiet, log: first.log, reason: lastReason(first.log) || quiet.reason };
}

/**
 * Only the verdict and statistics, as fast as the kernel gives them: no per-instruction log
 * (level 1 logging costs as much as verifying on programs with long loops). `reason` is empty.
 */
export function kernelVerdict(input: VerifyInput): KernelVerdict {
  return kernelVerifyOnce(input, 4);
}

/**
 * Maps by their definition, made once and kept for the life of the process: creating a large
 * preallocated hash for every load would cost more than verifying (and the kernel frees them
 * asynchronously). The verifier only looks at a map's definition, and at the contents of
 * frozen read-only maps (part of the key).
 */
const mapCache = new Map<string, number[]>();

function mapsFor(input: VerifyInput): number[] {
  const key = JSON.stringify(
    input.maps.map((m) => [m.type, m.keySize, m.valueSize, m.maxEntries, m.flags ?? 0, m.inner ?? -1, m.contents ? Buffer.from(m.contents).toString('hex') : '']),
  );
  let fds = mapCache.get(key);
  if (!fds) {
    const made: number[] = [];
    try {
      for (const m of input.maps) {
        made.push(
          mapCreate({
            type: m.type,
            keySize: m.keySize,
            valueSize: m.valueSize,
            maxEntries: m.maxEntries,
            flags: m.flags,
            innerMapFd: m.inner !== undefined ? made[m.inner] : undefined,
            ...requiredMapBtf(m.type, m.valueSize),
          }),
        );
        // Filled and frozen as libbpf does .rodata: the kernel then trusts its contents.
        if (m.contents) {
          mapUpdate(made[made.length - 1]!, new Uint8Array(4), m.contents);
          mapFreeze(made[made.length - 1]!);
        }
      }
    } catch (e) {
      for (const fd of made) closeFd(fd);
      throw e;
    }
    fds = made;
    mapCache.set(key, fds);
  }
  return fds;
}

/**
 * The BTF a map of `type` cannot be created without, for callers that create an object's maps
 * without the object's BTF (this oracle, test harnesses): socket-local storage wants a 32-bit
 * int key and a value type of the value's size, a u32 and a byte array here (the verifier looks
 * at sizes only). Other types: none.
 */
export function requiredMapBtf(type: number, valueSize: number): { btfFd?: number; btfKeyTypeId?: number; btfValueTypeId?: number } {
  if (type !== mapTypes.sk_storage) return {};
  const b = new BtfBuilder();
  const key = b.int('u32', 4, false);
  const value = b.array(b.int('u8', 1, false), key, valueSize);
  return { btfFd: btfFor(b.encode()), btfKeyTypeId: key, btfValueTypeId: value };
}

/** Closes the cached maps (for long-running callers; tests let process exit do it). */
export function closeKernelMaps(): void {
  for (const fds of mapCache.values()) for (const fd of fds) closeFd(fd);
  mapCache.clear();
  for (const fd of btfCache.values()) closeFd(fd);
  btfCache.clear();
}

/** BTF loaded once per distinct blob, kept like the maps. */
const btfCache = new Map<string, number>();

function btfFor(raw: Uint8Array): number {
  const key = Buffer.from(raw).toString('base64');
  let fd = btfCache.get(key);
  if (fd === undefined) {
    fd = btfLoad(raw).fd;
    btfCache.set(key, fd);
  }
  return fd;
}

function funcInfoOf(input: VerifyInput): { btfFd: number; funcInfo: { bytes: Uint8Array; recSize: number; count: number } } | object {
  if (!input.btf) return {};
  const bytes = new Uint8Array(input.btf.funcInfo.length * 8);
  const view = new DataView(bytes.buffer);
  input.btf.funcInfo.forEach((f, k) => {
    view.setUint32(k * 8, f.insn, true);
    view.setUint32(k * 8 + 4, f.typeId, true);
  });
  return { btfFd: btfFor(input.btf.raw), funcInfo: { bytes, recSize: 8, count: input.btf.funcInfo.length } };
}

function kernelVerifyOnce(input: VerifyInput, logLevel: number): KernelVerdict {
  const fds = mapsFor(input);
  {
    const insns = patchMapFds(input.insns, fds);
    let log: string;
    let accepted: boolean;
    let errno: string | undefined;
    try {
      const r = progLoad({
        type: input.progType,
        expectedAttachType: input.attachType,
        insns,
        license: input.license ?? 'GPL',
        flags: input.strictAlignment ? BPF_F_STRICT_ALIGNMENT : 0,
        logLevel,
        logSize: 1 << 24,
        ...funcInfoOf(input),
      });
      closeFd(r.fd);
      log = r.log;
      accepted = true;
    } catch (e) {
      if (e instanceof VerifierError) {
        log = e.log;
      } else if (e instanceof SyscallError) {
        log = '';
      } else throw e;
      accepted = false;
      errno = (e as SyscallError).code;
    }
    const usec = log.match(/verification time (\d+) usec/);
    const processed = log.match(/processed (\d+) insns/);
    return {
      accepted,
      log,
      reason: accepted ? '' : lastReason(log) || `load failed: ${errno}`,
      usec: usec ? Number(usec[1]) : undefined,
      processed: processed ? Number(processed[1]) : undefined,
      errno,
    };
  }
}
