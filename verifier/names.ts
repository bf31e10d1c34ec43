// Program, attach and map types by name (enum bpf_prog_type, bpf_attach_type, bpf_map_type in
// the uapi header), for the corpus, the CLI and messages: views of the shared uapi tables, attach
// types under the short names of libbpf's section names.

import { shortAttachName } from '../format/bpf-object-sections.ts';
import { attachTypes as uapiAttachTypes, mapTypes as uapiMapTypes, progTypes as uapiProgTypes, uapiName } from '../format/bpf-uapi.ts';

export const progTypes: Readonly<Record<string, number>> = uapiProgTypes;

/** Attach types by the short names libbpf's section names use (`cgroup/connect4`, `tcx/ingress`). */
export const attachTypes: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(Object.entries(uapiAttachTypes).map(([name, value]) => [shortAttachName(name), value])),
);

export const mapTypes: Readonly<Record<string, number>> = uapiMapTypes;

export const progTypeName = (n: number): string => uapiName(progTypes, n);
export const attachTypeName = (n: number): string => uapiName(attachTypes, n);
export const mapTypeName = (n: number): string => uapiName(mapTypes, n);
