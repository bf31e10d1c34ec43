// The privileges switchyard-node works with, read from this process's effective capabilities,
// so that a refusal (EPERM, EACCES: from bpf(2), from the verifier, or from the root-owned pins
// under bpffs) says which capability is missing instead of a bare errno, whatever the command.
// The sets below were measured by dropping each capability in turn (test/runtime/
// capabilities.test.ts; docs/deploy.md lists them for the DaemonSet).

import { readFileSync } from 'node:fs';

/** Capability → its bit in CapEff (linux/capability.h). */
const BIT = { CAP_DAC_OVERRIDE: 1, CAP_NET_ADMIN: 12, CAP_SYS_ADMIN: 21, CAP_PERFMON: 38, CAP_BPF: 39 } as const;
export type Capability = keyof typeof BIT;

/**
 * What apply and run need: CAP_BPF to load BTF, create maps and load programs; CAP_NET_ADMIN to
 * load networking program types (tc, XDP, cgroup socket hooks) and link them; CAP_PERFMON for the
 * verifier to allow the datapath's packet pointer arithmetic (without it: "pointer arithmetic
 * with it prohibited for !root"). CAP_SYS_ADMIN passes each of these checks in their place.
 */
export const NEEDED: readonly Capability[] = ['CAP_BPF', 'CAP_NET_ADMIN', 'CAP_PERFMON'];

/**
 * Only CAP_SYS_ADMIN does these: mount bpffs where none is mounted, and open kernel objects by id
 * (BPF_*_GET_FD_BY_ID): the program a pinned link runs, to swap a new one in atomically when the
 * object changed; a live map's BTF, to carry its entries over a layout change and to decode them
 * in dump (/metrics reads the types from the applied object instead: artifact-btf.ts).
 */
export const SYS_ADMIN_FOR = 'mounting bpffs and opening programs and BTF by id';

/** "CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON (or CAP_SYS_ADMIN), and CAP_SYS_ADMIN for …". */
export function neededText(): string {
  return `${NEEDED.slice(0, -1).join(', ')} and ${NEEDED.at(-1)} (or CAP_SYS_ADMIN, also needed for ${SYS_ADMIN_FOR})`;
}

export interface Credentials {
  uid: number;
  /** CapEff of /proc/self/status. */
  effective: bigint;
}

export function ownCredentials(status = readFileSync('/proc/self/status', 'utf8')): Credentials {
  const field = (name: string) => status.split('\n').find((l) => l.startsWith(`${name}:`))?.split(/\s+/)[1];
  return { uid: Number(field('Uid') ?? process.getuid?.() ?? 0), effective: BigInt('0x' + (field('CapEff') ?? '0')) };
}

const holds = (c: Credentials, cap: Capability) => (c.effective & (1n << BigInt(BIT[cap]))) !== 0n;

/**
 * The capabilities of NEEDED this process lacks (CAP_SYS_ADMIN stands in for each), then
 * CAP_SYS_ADMIN itself, then CAP_DAC_OVERRIDE when not root (the pins are root's, mode 0600).
 */
export function missingCapabilities(c: Credentials = ownCredentials()): Capability[] {
  const sysAdmin = holds(c, 'CAP_SYS_ADMIN');
  const missing = NEEDED.filter((cap) => !sysAdmin && !holds(c, cap));
  if (!sysAdmin) missing.push('CAP_SYS_ADMIN');
  if (c.uid !== 0 && !holds(c, 'CAP_DAC_OVERRIDE')) missing.push('CAP_DAC_OVERRIDE');
  return missing;
}

/** EPERM or EACCES, from a SyscallError or a Node.js fs error alike. */
export function isDenied(e: unknown): boolean {
  const code = (e as { code?: unknown } | undefined)?.code;
  return code === 'EPERM' || code === 'EACCES';
}

/**
 * For a refused operation of `command`, "apply needs …; this process lacks …: run it as root",
 * to follow the program's name; undefined when the error is no refusal or nothing is missing
 * (then the refusal has another cause).
 */
export function privilegeHint(e: unknown, command: string, c: Credentials = ownCredentials()): string | undefined {
  if (!isDenied(e)) return undefined;
  const missing = missingCapabilities(c);
  if (!missing.length) return undefined;
  const who = c.uid === 0 ? 'this process' : `this process (uid ${c.uid}, not root: the pins under bpffs are root's)`;
  return `${command} needs ${neededText()}; ${who} lacks ${missing.join(', ')}: run it as root`;
}
