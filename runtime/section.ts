// Which hook a program section attaches to. Program type and expected attach type come from the
// shared table of libbpf's section names (format/bpf-object-sections.ts), so the compiler, the
// verifier and this loader agree; this file adds only where the program goes: a device, a cgroup.

import { sectionKind as formatSectionKind, sectionKinds } from '../format/bpf-object-sections.ts';

/** Where a program goes: a network device (XDP, tcx), a cgroup, or nowhere (loaded only). */
export type HookKind = 'xdp' | 'tcx' | 'cgroup' | 'none';

export interface SectionKind {
  progType: number;
  /** expected_attach_type at load time, and the attach type of the link. */
  attachType: number;
  hook: HookKind;
  /** A short name for the hook in status lines (`xdp`, `tcx_ingress`, `cgroup_inet4_connect`). */
  hookName: string;
}

function hookOf(section: string): HookKind {
  if (section === 'xdp' || section === 'xdp.frags') return 'xdp';
  if (/^(tcx|tc)\/(ingress|egress)$/.test(section)) return 'tcx';
  if (section.startsWith('cgroup/') || section.startsWith('cgroup_skb/')) return 'cgroup';
  return 'none';
}

/** The kind of a program section, or undefined for a name libbpf would not recognise either. */
export function sectionKind(section: string): SectionKind | undefined {
  const k = formatSectionKind(section);
  if (!k) return undefined;
  return { progType: k.progType, attachType: k.attachType, hook: hookOf(section), hookName: k.attachTypeName ?? k.progTypeName };
}

/** Every section name this runtime understands, for error messages. */
export function knownSections(): string[] {
  return sectionKinds.map((k) => k.name);
}
