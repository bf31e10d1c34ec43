// Program, attach and map types by name (enum bpf_prog_type, bpf_attach_type, bpf_map_type in
// the uapi header), for the corpus, the CLI and messages. Program and map types are the shared
// uapi tables; attach types go by the short names of libbpf's section names.

import { mapTypes as uapiMapTypes, progTypes as uapiProgTypes } from '../format/bpf-uapi.ts';

export const progTypes: Readonly<Record<string, number>> = uapiProgTypes;

/** Attach types by the short names libbpf's section names use (`cgroup/connect4`, `tcx/ingress`). */
export const attachTypes: Readonly<Record<string, number>> = Object.freeze({
  ingress: 0,
  egress: 1,
  sock_create: 2,
  bind4: 8,
  bind6: 9,
  connect4: 10,
  connect6: 11,
  post_bind4: 12,
  post_bind6: 13,
  sendmsg4: 14,
  sendmsg6: 15,
  recvmsg4: 19,
  recvmsg6: 20,
  getpeername4: 29,
  getpeername6: 30,
  getsockname4: 31,
  getsockname6: 32,
  xdp_devmap: 33,
  sock_release: 34,
  xdp_cpumap: 35,
  sk_lookup: 36,
  xdp: 37,
  tcx_ingress: 46,
  tcx_egress: 47,
});

export const mapTypes: Readonly<Record<string, number>> = uapiMapTypes;

function nameOf(table: Readonly<Record<string, number>>, n: number): string {
  return Object.entries(table).find(([, v]) => v === n)?.[0] ?? `#${n}`;
}

export const progTypeName = (n: number): string => nameOf(progTypes, n);
export const attachTypeName = (n: number): string => nameOf(attachTypes, n);
export const mapTypeName = (n: number): string => nameOf(mapTypes, n);
