// libbpf's program section names and what each means to the kernel: program type, expected
// attach type, context struct, load flags and the kind of hook it attaches to. The one table of
// these facts (as libbpf's section_defs is): the ELF writer names sections from it, the loader
// derives load and attach attributes from it, BPF-TS and the verifier derive their own views.

import {
  attachTypes, BPF_F_XDP_HAS_FRAGS, progCtxStructs, progTypes, type AttachTypeName, type ProgTypeName,
} from './bpf-uapi.ts';

/** Where a program goes: a network device (XDP, tcx), a cgroup, or nowhere (loaded only). */
export type HookKind = 'xdp' | 'tcx' | 'cgroup' | 'none';

export interface SectionKind {
  /** The exact section name (libbpf 1.x matches these names exactly). */
  name: string;
  progType: number;
  progTypeName: ProgTypeName;
  /** expected_attach_type at load (0 when the type takes none). */
  attachType: number;
  attachTypeName?: AttachTypeName;
  /** The context struct the program receives, as the uapi names it (`xdp_md`, `__sk_buff`). */
  ctxStruct: string;
  /** prog_flags libbpf sets at load for this name (BPF_F_XDP_HAS_FRAGS for `xdp.frags`). */
  progFlags: number;
  hook: HookKind;
  /** The first libbpf release that knows the name; bpftool built on an older one cannot guess the type. */
  libbpfSince?: string;
}

/**
 * The hook follows from the types: XDP programs go on a device, tc programs too when they name
 * a tcx attach type (plain `tc` is loaded only, for a caller to attach), every cgroup_* type on
 * a cgroup.
 */
function hookOf(prog: ProgTypeName, attach?: AttachTypeName): HookKind {
  if (prog === 'xdp') return 'xdp';
  if (attach === 'tcx_ingress' || attach === 'tcx_egress') return 'tcx';
  if (prog.startsWith('cgroup_')) return 'cgroup';
  return 'none';
}

interface KindOptions { progFlags?: number; libbpfSince?: string }

/** One kind: the program and attach types by their uapi names, their values from bpf-uapi.ts. */
const kind = (name: string, prog: ProgTypeName, attach?: AttachTypeName, o: KindOptions = {}): SectionKind => ({
  name,
  progType: progTypes[prog],
  progTypeName: prog,
  attachType: attach ? attachTypes[attach] : 0,
  ...(attach ? { attachTypeName: attach } : {}),
  ctxStruct: progCtxStructs[prog],
  progFlags: o.progFlags ?? 0,
  hook: hookOf(prog, attach),
  ...(o.libbpfSince ? { libbpfSince: o.libbpfSince } : {}),
});
const addr = (name: string, attach: AttachTypeName) => kind(name, 'cgroup_sock_addr', attach);

/** The names the datapath uses and a few common neighbours; not all of libbpf's. */
export const sectionKinds: readonly SectionKind[] = Object.freeze([
  kind('xdp', 'xdp', 'xdp'),
  kind('xdp.frags', 'xdp', 'xdp', { progFlags: BPF_F_XDP_HAS_FRAGS, libbpfSince: '1.0' }),
  kind('tcx/ingress', 'sched_cls', 'tcx_ingress', { libbpfSince: '1.3' }),
  kind('tcx/egress', 'sched_cls', 'tcx_egress', { libbpfSince: '1.3' }),
  kind('tc/ingress', 'sched_cls', 'tcx_ingress', { libbpfSince: '1.3' }),
  kind('tc/egress', 'sched_cls', 'tcx_egress', { libbpfSince: '1.3' }),
  kind('tc', 'sched_cls'),
  kind('classifier', 'sched_cls'),
  kind('action', 'sched_act'),
  kind('socket', 'socket_filter'),
  kind('sk_lookup', 'sk_lookup', 'sk_lookup'),
  kind('cgroup_skb/ingress', 'cgroup_skb', 'cgroup_inet_ingress'),
  kind('cgroup_skb/egress', 'cgroup_skb', 'cgroup_inet_egress'),
  kind('cgroup/sock_create', 'cgroup_sock', 'cgroup_inet_sock_create'),
  kind('cgroup/sock', 'cgroup_sock', 'cgroup_inet_sock_create'),
  kind('cgroup/sock_release', 'cgroup_sock', 'cgroup_inet_sock_release'),
  kind('cgroup/post_bind4', 'cgroup_sock', 'cgroup_inet4_post_bind'),
  kind('cgroup/post_bind6', 'cgroup_sock', 'cgroup_inet6_post_bind'),
  addr('cgroup/bind4', 'cgroup_inet4_bind'),
  addr('cgroup/bind6', 'cgroup_inet6_bind'),
  addr('cgroup/connect4', 'cgroup_inet4_connect'),
  addr('cgroup/connect6', 'cgroup_inet6_connect'),
  addr('cgroup/sendmsg4', 'cgroup_udp4_sendmsg'),
  addr('cgroup/sendmsg6', 'cgroup_udp6_sendmsg'),
  addr('cgroup/recvmsg4', 'cgroup_udp4_recvmsg'),
  addr('cgroup/recvmsg6', 'cgroup_udp6_recvmsg'),
  addr('cgroup/getpeername4', 'cgroup_inet4_getpeername'),
  addr('cgroup/getpeername6', 'cgroup_inet6_getpeername'),
  addr('cgroup/getsockname4', 'cgroup_inet4_getsockname'),
  addr('cgroup/getsockname6', 'cgroup_inet6_getsockname'),
]);

/** What a program section name means, or undefined for a name libbpf would not recognise. */
export function sectionKind(section: string): SectionKind | undefined {
  return sectionKinds.find((k) => k.name === section);
}

/**
 * An attach type by the short name libbpf's section names give it (`connect4` for
 * cgroup_inet4_connect, `sendmsg6` for cgroup_udp6_sendmsg, `ingress` for cgroup_inet_ingress):
 * the cgroup prefix and family move to the end; other names stay as they are.
 */
export function shortAttachName(uapiName: string): string {
  const m = /^cgroup_(?:inet|udp)(4|6)?_(.+)$/.exec(uapiName);
  return m ? `${m[2]}${m[1] ?? ''}` : uapiName;
}
