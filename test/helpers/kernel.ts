// Gates for tests that need more than Node.js: the running kernel (CAP_BPF/CAP_NET_ADMIN) and
// external tools on PATH (tools.ts). Where one is out of reach the test skips with a printed
// reason; with SWITCHYARD_REQUIRE_KERNEL=1 (as CI sets) the same test fails, so a CI run can
// never pass by skipping everything that matters.

import test, { type ExecutionContext } from 'ava';
import { readFileSync } from 'node:fs';
import { toolsUnavailableReason, type Tool } from './tools.ts';

const CAP_NET_ADMIN = 12;
const CAP_SYS_ADMIN = 21;
const CAP_BPF = 39;

function effectiveCaps(): bigint {
  const line = readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('CapEff:'));
  return line ? BigInt('0x' + line.split(/\s+/)[1]) : 0n;
}

/** Why kernel tests cannot run here, or undefined when they can. */
export function kernelUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return `needs Linux, this is ${process.platform}`;
  const caps = effectiveCaps();
  const missing = [
    [CAP_BPF, 'CAP_BPF'],
    [CAP_NET_ADMIN, 'CAP_NET_ADMIN'],
    [CAP_SYS_ADMIN, 'CAP_SYS_ADMIN'],
  ].filter(([bit]) => !(caps & (1n << BigInt(bit as number)))).map(([, name]) => name);
  return missing.length ? `missing ${missing.join(', ')} (run as root)` : undefined;
}

export const requireKernel = process.env.SWITCHYARD_REQUIRE_KERNEL === '1';

type Impl = (t: ExecutionContext) => unknown | Promise<unknown>;

/**
 * Declares `title` as a test, a skip with `reason` on stderr (tagged `kind`), or, when
 * SWITCHYARD_REQUIRE_KERNEL=1, a failure naming the reason.
 */
export function gatedTest(title: string, impl: Impl, kind: string, reason: string | undefined, serial = false): void {
  const declare = serial ? test.serial : test;
  if (!reason) {
    declare(title, impl);
  } else if (requireKernel) {
    declare(title, (t) => t.fail(`test cannot run: ${reason}; SWITCHYARD_REQUIRE_KERNEL=1 forbids skipping`));
  } else {
    process.stderr.write(`skip (${kind}): ${title}: ${reason}\n`);
    declare.skip(title, impl);
  }
}

/** The kernel's reason first, then the tools': everything that keeps the test from running. */
export function kernelAndToolsReason(tools: readonly Tool[]): string | undefined {
  const reasons = [kernelUnavailableReason(), toolsUnavailableReason(tools)].filter(Boolean);
  return reasons.length ? reasons.join('; ') : undefined;
}

/**
 * Declares a test that runs in the real kernel and spawns `tools` (tools.ts). Where the kernel
 * or a tool is out of reach it is skipped with the reason on stderr, or fails when
 * SWITCHYARD_REQUIRE_KERNEL=1.
 */
export function kernelTest(title: string, impl: Impl, tools: readonly Tool[] = []): void {
  gatedTest(title, impl, kernelUnavailableReason() ? 'kernel' : 'tools', kernelAndToolsReason(tools));
}

/** Like kernelTest, but the tests in one file run one after another (shared netns, cgroups). */
export function kernelTestSerial(title: string, impl: Impl, tools: readonly Tool[] = []): void {
  gatedTest(title, impl, kernelUnavailableReason() ? 'kernel' : 'tools', kernelAndToolsReason(tools), true);
}

/** A test that needs no kernel privileges, only `tools` on PATH; gated as kernelTest is. */
export function toolTest(title: string, tools: readonly Tool[], impl: Impl): void {
  gatedTest(title, impl, 'tools', toolsUnavailableReason(tools));
}

/** Unique names for namespaces, links, cgroups and pins (names.ts, shared with ava-free code). */
export { uniqueName } from './names.ts';
