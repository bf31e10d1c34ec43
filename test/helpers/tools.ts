// The external programs tests run, each with the Debian package that provides it, and a PATH
// lookup: a test that spawns one declares it (kernel.ts's `toolTest`, or kernelTest's `tools`),
// so that a machine without it skips the test naming the package to install instead of failing.
// Free of ava: the benches and namespace builders that spawn these tools import their names.
//
// Not listed: what every Debian system has (priority "required": coreutils, util-linux with
// nsenter, mount/umount, dash's sh). A Node-only machine is one of those plus Node.js 20.

import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Tool → the Debian package that installs it (what `.ci/run` installs, and a skip names). */
export const DEBIAN_PACKAGE = {
  clang: 'clang',
  // clang 18 or later, for the clang corpus's -mcpu=v4 programs (Debian 12's clang is 14).
  'clang-19': 'clang-19',
  cc: 'gcc',
  'llvm-objdump': 'llvm',
  bpftool: 'bpftool',
  iptables: 'iptables',
  'iptables-restore': 'iptables',
  iperf3: 'iperf3',
  ip: 'iproute2',
  sysctl: 'procps',
  // The CI workflow test (test/package/) runs docs/ci.md's steps in a git repository of its own.
  git: 'git',
  prometheus: 'prometheus',
  promtool: 'prometheus',
  // The image test (test/deploy/image.test.ts): umoci writes it (strip slims its node), podman
  // runs it with runc
  // (crun refuses a host whose cgroup v2 hierarchy holds a controller in hybrid mode).
  umoci: 'umoci',
  strip: 'binutils',
  podman: 'podman',
  runc: 'runc',
} as const;

export type Tool = keyof typeof DEBIAN_PACKAGE;

/** The executable `tool` resolves to on PATH, or undefined. */
export function onPath(tool: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, tool);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** The tools of `tools` that are not on PATH, each once, in the order given. */
export function missingTools(tools: readonly Tool[]): Tool[] {
  return [...new Set(tools)].filter((tool) => !onPath(tool));
}

/** "needs clang (Debian package clang), ip (Debian package iproute2)", or undefined. */
export function toolsUnavailableReason(tools: readonly Tool[]): string | undefined {
  const missing = missingTools(tools);
  if (!missing.length) return undefined;
  return `needs ${missing.map((tool) => `${tool} (Debian package ${DEBIAN_PACKAGE[tool]})`).join(', ')}`;
}
