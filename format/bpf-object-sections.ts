// libbpf's program section names and what each means to the kernel: program type and expected
// attach type (enum bpf_prog_type / bpf_attach_type values). Shared by the ELF writer (which
// names sections) and the loader (which derives load attributes from them).

import { attachTypes, progTypes, type AttachTypeName, type ProgTypeName } from './bpf-uapi.ts';

export interface SectionKind {
  /** The exact section name (libbpf 1.x matches these names exactly). */
  name: string;
  progType: number;
  progTypeName: string;
  /** expected_attach_type at load (0 when the type takes none). */
  attachType: number;
  attachTypeName?: string;
  /** The first libbpf release that knows the name; bpftool built on an older one cannot guess the type. */
  libbpfSince?: string;
}


/** One kind: the program and attach types by their uapi names, their values from bpf-uapi.ts. */
const kind = (name: string, prog: ProgTypeName, attach?: AttachTypeName, libbpfSince?: string): SectionKind => ({
  name,
  progType: progTypes[prog],
  progTypeName: prog,
  attachType: attach ? attachTypes[attach] : 0,
  ...(attach ? { attachTypeName: attach } : {}),
  ...(libbpfSince ? { libbpfSince } : {}),
});
const addr = (name: string, attach: AttachTypeName) => kind(name, 'cgroup_sock_addr', attach);

/** The names the datapath uses and a few common neighbours; not all of libbpf's. */
export const sectionKinds: readonly SectionKind[] = Object.freeze([
  kind('xdp', 'xdp', 'xdp'),
  kind('xdp.frags', 'xdp', 'xdp', '1.0'),
  kind('tcx/ingress', 'sched_cls', 'tcx_ingress', '1.3'),
  kind('tcx/egress', 'sched_cls', 'tcx_egress', '1.3'),
  kind('tc/ingress', 'sched_cls', 'tcx_ingress', '1.3'),
  kind('tc/egress', 'sched_cls', 'tcx_egress', '1.3'),
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
