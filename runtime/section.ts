// ELF section name → program type, expected attach type and hook, by libbpf's conventions
// (`SEC("xdp")`, `SEC("tcx/ingress")`, `SEC("cgroup/connect4")`), so that objects written by our
// compiler and by clang + libbpf headers load the same way.

import { AttachType, ProgType } from './sys/bpf.ts';

/** Where a program goes: a network device (XDP, tcx), a cgroup, or nowhere (loaded only). */
export type HookKind = 'xdp' | 'tcx' | 'cgroup' | 'none';

export interface SectionKind {
  progType: number;
  /** expected_attach_type at load time, and the attach type of the link. */
  attachType: number;
  hook: HookKind;
  /** A short name for the hook in pins and status lines (`xdp`, `tcx-ingress`, `connect4`). */
  hookName: string;
}

const table: Array<[string, SectionKind]> = [];
const def = (prefix: string, progType: number, attachType: number, hook: HookKind, hookName: string) =>
  table.push([prefix, { progType, attachType, hook, hookName }]);

def('xdp', ProgType.XDP, AttachType.XDP, 'xdp', 'xdp');
def('tcx/ingress', ProgType.SCHED_CLS, AttachType.TCX_INGRESS, 'tcx', 'tcx-ingress');
def('tcx/egress', ProgType.SCHED_CLS, AttachType.TCX_EGRESS, 'tcx', 'tcx-egress');
// libbpf treats tc/ingress and tc/egress as aliases of the tcx hooks.
def('tc/ingress', ProgType.SCHED_CLS, AttachType.TCX_INGRESS, 'tcx', 'tcx-ingress');
def('tc/egress', ProgType.SCHED_CLS, AttachType.TCX_EGRESS, 'tcx', 'tcx-egress');
def('tc', ProgType.SCHED_CLS, 0, 'none', 'tc');
def('classifier', ProgType.SCHED_CLS, 0, 'none', 'tc');
def('socket', ProgType.SOCKET_FILTER, 0, 'none', 'socket');
const sockAddr: Array<[string, number]> = [
  ['connect4', AttachType.CGROUP_INET4_CONNECT],
  ['connect6', AttachType.CGROUP_INET6_CONNECT],
  ['bind4', AttachType.CGROUP_INET4_BIND],
  ['bind6', AttachType.CGROUP_INET6_BIND],
  ['sendmsg4', AttachType.CGROUP_UDP4_SENDMSG],
  ['sendmsg6', AttachType.CGROUP_UDP6_SENDMSG],
  ['recvmsg4', AttachType.CGROUP_UDP4_RECVMSG],
  ['recvmsg6', AttachType.CGROUP_UDP6_RECVMSG],
  ['getpeername4', AttachType.CGROUP_INET4_GETPEERNAME],
  ['getpeername6', AttachType.CGROUP_INET6_GETPEERNAME],
  ['getsockname4', AttachType.CGROUP_INET4_GETSOCKNAME],
  ['getsockname6', AttachType.CGROUP_INET6_GETSOCKNAME],
];
for (const [name, at] of sockAddr) def(`cgroup/${name}`, ProgType.CGROUP_SOCK_ADDR, at, 'cgroup', name);
def('cgroup/post_bind4', ProgType.CGROUP_SOCK, AttachType.CGROUP_INET4_POST_BIND, 'cgroup', 'post_bind4');
def('cgroup/post_bind6', ProgType.CGROUP_SOCK, AttachType.CGROUP_INET6_POST_BIND, 'cgroup', 'post_bind6');
def('cgroup/sock_create', ProgType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE, 'cgroup', 'sock_create');
def('cgroup/sock_release', ProgType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_RELEASE, 'cgroup', 'sock_release');
def('cgroup/sock', ProgType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE, 'cgroup', 'sock_create');
def('cgroup_skb/ingress', ProgType.CGROUP_SKB, AttachType.CGROUP_INET_INGRESS, 'cgroup', 'skb-ingress');
def('cgroup_skb/egress', ProgType.CGROUP_SKB, AttachType.CGROUP_INET_EGRESS, 'cgroup', 'skb-egress');

/**
 * The kind of a program section, or undefined for sections that hold no program. As in libbpf,
 * `xdp` also matches `xdp/anything`: the part after the slash is a free-form label.
 */
export function sectionKind(section: string): SectionKind | undefined {
  for (const [prefix, kind] of table) {
    if (section === prefix || (section.startsWith(prefix + '/') && kind.hook !== 'cgroup' && kind.hook !== 'tcx')) {
      return kind;
    }
  }
  return undefined;
}

/** Every section name this runtime understands, for error messages. */
export function knownSections(): string[] {
  return table.map(([p]) => p);
}
