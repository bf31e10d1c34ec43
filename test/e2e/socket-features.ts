// The kernel features the socket LB uses, each probed once (a minimal program loaded, as the
// kernel would load ours) with the kernel version that brought it (STYLE.md lesson 8). The
// socket tests skip, naming what is missing, on an older kernel; on a kernel new enough to have
// every feature, a missing one fails them instead.

import test, { type ExecutionContext } from 'ava';
import { release } from 'node:os';
import * as a from '../../compiler/bpf/asm.ts';
import { encode } from '../../compiler/bpf/encode.ts';
import type { Item } from '../../compiler/bpf/insn.ts';
import { R0, R1 } from '../../compiler/bpf/register.ts';
import { progLoad } from '../../runtime/sys/bpf.ts';
import { closeFd } from '../../runtime/sys/syscall.ts';
import { kernelAndToolsReason, kernelTest, kernelUnavailableReason } from '../helpers/kernel.ts';
import { TOPOLOGY_TOOLS } from '../helpers/topology.ts';

/** BPF_PROG_TYPE_* */
const PROG = { CGROUP_SOCK: 9, CGROUP_SOCK_ADDR: 18 } as const;

interface Feature {
  name: string;
  /** The first kernel that has it. */
  since: [number, number];
  progType: number;
  attachType: number;
  items: Item[];
}

const ret1 = [a.mov64(R0, 1), a.exit()];

export const socketLbFeatures: readonly Feature[] = [
  { name: 'cgroup/connect4 and bpf_link on cgroups', since: [5, 7], progType: PROG.CGROUP_SOCK_ADDR, attachType: 10, items: ret1 },
  { name: 'cgroup/recvmsg4 (UDP replies)', since: [5, 2], progType: PROG.CGROUP_SOCK_ADDR, attachType: 19, items: ret1 },
  { name: 'cgroup/getpeername4', since: [5, 8], progType: PROG.CGROUP_SOCK_ADDR, attachType: 29, items: ret1 },
  { name: 'bpf_get_netns_cookie in socket address hooks', since: [5, 7], progType: PROG.CGROUP_SOCK_ADDR, attachType: 10, items: [a.call('get_netns_cookie'), ...ret1] },
  { name: 'bpf_set_retval (ECONNREFUSED instead of EPERM)', since: [5, 18], progType: PROG.CGROUP_SOCK_ADDR, attachType: 10, items: [a.mov64(R1, -111), a.call('set_retval'), ...ret1] },
];

function loads(f: Feature): boolean {
  try {
    const r = progLoad({ type: f.progType, insns: encode(f.items).bytes, license: 'GPL', name: 'sy_probe', expectedAttachType: f.attachType, logLevel: 0 });
    closeFd(r.fd);
    return true;
  } catch {
    return false;
  }
}

function kernelVersion(): [number, number] {
  const [major = 0, minor = 0] = release().split(/[.-]/).map(Number);
  return [major, minor];
}

const atLeast = (v: [number, number], w: [number, number]): boolean => v[0] > w[0] || (v[0] === w[0] && v[1] >= w[1]);

let probed: { missing: Feature[] } | undefined;
/** The features this kernel lacks (probed once per process). */
export function missingSocketLbFeatures(): Feature[] {
  probed ??= { missing: kernelUnavailableReason() ? [] : socketLbFeatures.filter((f) => !loads(f)) };
  return probed.missing;
}

/**
 * A socket LB kernel test: skipped with the missing features named on a kernel older than they
 * are, failed where the kernel should have them, run otherwise (kernelTest's rules apply first,
 * with the tools that build the talk's topology).
 */
export function socketLbTest(title: string, impl: (t: ExecutionContext) => Promise<void>, o: { serial?: boolean } = {}): void {
  const cannot = kernelAndToolsReason(TOPOLOGY_TOOLS);
  if (cannot) {
    kernelTest(title, impl, TOPOLOGY_TOOLS); // skipped or failed, with the reason
    return;
  }
  const missing = missingSocketLbFeatures();
  const version = kernelVersion();
  const shouldHave = missing.filter((f) => atLeast(version, f.since));
  if (shouldHave.length) {
    test(title, (t) => t.fail(`kernel ${release()} lacks ${shouldHave.map((f) => `${f.name} (since ${f.since.join('.')})`).join(', ')}`));
  } else if (missing.length) {
    process.stderr.write(`skip (kernel ${release()}): ${title}: needs ${missing.map((f) => `${f.name} (Linux ${f.since.join('.')})`).join(', ')}\n`);
    test.skip(title, impl);
  } else if (o.serial) {
    test.serial(title, impl);
  } else {
    test(title, impl);
  }
}
