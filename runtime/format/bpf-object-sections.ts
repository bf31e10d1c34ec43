// libbpf's program section names and what each means to the kernel: program type and expected
// attach type (enum bpf_prog_type / bpf_attach_type values). Shared by the ELF writer (which
// names sections) and the loader (which derives load attributes from them).

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

const P = { SOCKET_FILTER: 1, SCHED_CLS: 3, SCHED_ACT: 4, XDP: 6, CGROUP_SKB: 8, CGROUP_SOCK: 9, CGROUP_SOCK_ADDR: 18, SK_LOOKUP: 30 } as const;

const sock = (name: string, progType: number, typeName: string, attachType: number, attachTypeName: string): SectionKind => ({
  name,
  progType,
  progTypeName: typeName,
  attachType,
  attachTypeName,
});
const addr = (name: string, attachType: number, attachTypeName: string) =>
  sock(name, P.CGROUP_SOCK_ADDR, 'cgroup_sock_addr', attachType, attachTypeName);

/** The names the datapath uses and a few common neighbours; not all of libbpf's. */
export const sectionKinds: readonly SectionKind[] = Object.freeze([
  { name: 'xdp', progType: P.XDP, progTypeName: 'xdp', attachType: 37, attachTypeName: 'xdp' },
  { name: 'xdp.frags', progType: P.XDP, progTypeName: 'xdp', attachType: 37, attachTypeName: 'xdp', libbpfSince: '1.0' },
  { name: 'tcx/ingress', progType: P.SCHED_CLS, progTypeName: 'sched_cls', attachType: 46, attachTypeName: 'tcx_ingress', libbpfSince: '1.3' },
  { name: 'tcx/egress', progType: P.SCHED_CLS, progTypeName: 'sched_cls', attachType: 47, attachTypeName: 'tcx_egress', libbpfSince: '1.3' },
  { name: 'tc/ingress', progType: P.SCHED_CLS, progTypeName: 'sched_cls', attachType: 46, attachTypeName: 'tcx_ingress', libbpfSince: '1.3' },
  { name: 'tc/egress', progType: P.SCHED_CLS, progTypeName: 'sched_cls', attachType: 47, attachTypeName: 'tcx_egress', libbpfSince: '1.3' },
  { name: 'tc', progType: P.SCHED_CLS, progTypeName: 'sched_cls', attachType: 0 },
  { name: 'classifier', progType: P.SCHED_CLS, progTypeName: 'sched_cls', attachType: 0 },
  { name: 'action', progType: P.SCHED_ACT, progTypeName: 'sched_act', attachType: 0 },
  { name: 'socket', progType: P.SOCKET_FILTER, progTypeName: 'socket_filter', attachType: 0 },
  { name: 'sk_lookup', progType: P.SK_LOOKUP, progTypeName: 'sk_lookup', attachType: 36, attachTypeName: 'sk_lookup' },
  sock('cgroup_skb/ingress', P.CGROUP_SKB, 'cgroup_skb', 0, 'cgroup_inet_ingress'),
  sock('cgroup_skb/egress', P.CGROUP_SKB, 'cgroup_skb', 1, 'cgroup_inet_egress'),
  sock('cgroup/sock_create', P.CGROUP_SOCK, 'cgroup_sock', 2, 'cgroup_inet_sock_create'),
  sock('cgroup/sock', P.CGROUP_SOCK, 'cgroup_sock', 2, 'cgroup_inet_sock_create'),
  sock('cgroup/sock_release', P.CGROUP_SOCK, 'cgroup_sock', 34, 'cgroup_inet_sock_release'),
  sock('cgroup/post_bind4', P.CGROUP_SOCK, 'cgroup_sock', 12, 'cgroup_inet4_post_bind'),
  sock('cgroup/post_bind6', P.CGROUP_SOCK, 'cgroup_sock', 13, 'cgroup_inet6_post_bind'),
  addr('cgroup/bind4', 8, 'cgroup_inet4_bind'),
  addr('cgroup/bind6', 9, 'cgroup_inet6_bind'),
  addr('cgroup/connect4', 10, 'cgroup_inet4_connect'),
  addr('cgroup/connect6', 11, 'cgroup_inet6_connect'),
  addr('cgroup/sendmsg4', 14, 'cgroup_udp4_sendmsg'),
  addr('cgroup/sendmsg6', 15, 'cgroup_udp6_sendmsg'),
  addr('cgroup/recvmsg4', 19, 'cgroup_udp4_recvmsg'),
  addr('cgroup/recvmsg6', 20, 'cgroup_udp6_recvmsg'),
  addr('cgroup/getpeername4', 29, 'cgroup_inet4_getpeername'),
  addr('cgroup/getpeername6', 30, 'cgroup_inet6_getpeername'),
  addr('cgroup/getsockname4', 31, 'cgroup_inet4_getsockname'),
  addr('cgroup/getsockname6', 32, 'cgroup_inet6_getsockname'),
]);

/** What a program section name means, or undefined for a name libbpf would not recognise. */
export function sectionKind(section: string): SectionKind | undefined {
  return sectionKinds.find((k) => k.name === section);
}
