// Which hook a program section attaches to, in the shape the loader uses. Everything here comes
// from the shared table of libbpf's section names (format/bpf-object-sections.ts), so the
// compiler, the verifier and this loader agree.

import { sectionKind as formatSectionKind, sectionKinds, type HookKind } from '../format/bpf-object-sections.ts';

export type { HookKind };

export interface SectionKind {
  progType: number;
  /** expected_attach_type at load time, and the attach type of the link. */
  attachType: number;
  /** prog_flags at load time (BPF_F_XDP_HAS_FRAGS for `xdp.frags`). */
  progFlags: number;
  hook: HookKind;
  /** A short name for the hook in status lines (`xdp`, `tcx_ingress`, `cgroup_inet4_connect`). */
  hookName: string;
}

/** The kind of a program section, or undefined for a name libbpf would not recognise either. */
export function sectionKind(section: string): SectionKind | undefined {
  const k = formatSectionKind(section);
  if (!k) return undefined;
  return { progType: k.progType, attachType: k.attachType, progFlags: k.progFlags, hook: k.hook, hookName: k.attachTypeName ?? k.progTypeName };
}

/** Every section name this runtime understands, for error messages. */
export function knownSections(): string[] {
  return sectionKinds.map((k) => k.name);
}
