// The privileges switchyard-node works with, read from this process's effective capabilities,
// so that a refusal (EPERM, EACCES: from bpf(2), or from the root-owned pins under bpffs) says
// which capability is missing instead of a bare errno, whatever the command.

import { readFileSync } from 'node:fs';

/** Capability → its bit in CapEff (linux/capability.h). */
const BIT = { CAP_DAC_OVERRIDE: 1, CAP_NET_ADMIN: 12, CAP_SYS_ADMIN: 21, CAP_BPF: 39 } as const;
export type Capability = keyof typeof BIT;

/**
 * What switchyard-node needs: CAP_BPF to create maps and load programs, CAP_NET_ADMIN to attach
 * to devices, CAP_SYS_ADMIN to mount bpffs, attach to cgroups and read BTF by id. The pins it
 * creates belong to root (mode 0600), so another user also needs CAP_DAC_OVERRIDE to read them.
 */
export const NEEDED: readonly Capability[] = ['CAP_BPF', 'CAP_NET_ADMIN', 'CAP_SYS_ADMIN'];

export interface Credentials {
  uid: number;
  /** CapEff of /proc/self/status. */
  effective: bigint;
}

export function ownCredentials(status = readFileSync('/proc/self/status', 'utf8')): Credentials {
  const field = (name: string) => status.split('\n').find((l) => l.startsWith(`${name}:`))?.split(/\s+/)[1];
  return { uid: Number(field('Uid') ?? process.getuid?.() ?? 0), effective: BigInt('0x' + (field('CapEff') ?? '0')) };
}

/** The capabilities of NEEDED (and CAP_DAC_OVERRIDE when not root) this process lacks. */
export function missingCapabilities(c: Credentials = ownCredentials()): Capability[] {
  const wanted: Capability[] = [...NEEDED, ...(c.uid === 0 ? [] : ['CAP_DAC_OVERRIDE' as const])];
  return wanted.filter((cap) => !(c.effective & (1n << BigInt(BIT[cap]))));
}

/** EPERM or EACCES, from a SyscallError or a Node.js fs error alike. */
export function isDenied(e: unknown): boolean {
  const code = (e as { code?: unknown } | undefined)?.code;
  return code === 'EPERM' || code === 'EACCES';
}

/**
 * For a refused operation of `command`, "status needs …; this process lacks …: run it as root",
 * to follow the program's name; undefined
 * when the error is no refusal or nothing is missing (then the refusal has another cause).
 */
export function privilegeHint(e: unknown, command: string, c: Credentials = ownCredentials()): string | undefined {
  if (!isDenied(e)) return undefined;
  const missing = missingCapabilities(c);
  if (!missing.length) return undefined;
  const who = c.uid === 0 ? 'this process' : `this process (uid ${c.uid}, not root: the pins under bpffs are root's)`;
  return `${command} needs ${NEEDED.join(', ')}; ${who} lacks ${missing.join(', ')}: run it as root`;
}
