// Putting a node's programs on their hooks: one pinned bpf_link per program and target. An
// existing link gets the new program by BPF_LINK_UPDATE (atomic: the hook is never empty); a
// missing one is created and pinned; links no longer wanted are detached only after the switch.

import { cgroupTarget, createLink, detachLink, deviceTarget, openPinnedLink, pinLink, restoreProgram, swapProgram, type HookTarget, type PinnedLink } from './link.ts';
import { linkPinName, type PinLayout } from './pins.ts';
import { statSync } from 'node:fs';
import { ifNameToIndex, closeFd } from './sys/syscall.ts';
import { LinkType } from './sys/bpf.ts';
import type { LoadedProgram } from './program.ts';
import type { HookKind } from './section.ts';
import type { ProgramDef } from './object.ts';
import { kindOf } from './program.ts';

export interface Hooks {
  devices: string[];
  /** The cgroup directory for cgroup hooks (resolved from --cgroup). */
  cgroupDir?: string;
}

export interface WantedLink {
  program: string;
  target: HookTarget;
  pinName: string;
}

/** Every (program, target) pair the object asks for, or an error naming what is missing. */
export function wantedLinks(programs: Pick<ProgramDef, 'name' | 'section'>[], hooks: Hooks): WantedLink[] {
  const out: WantedLink[] = [];
  for (const p of programs) {
    const kind: HookKind = kindOf(p).hook;
    if (kind === 'none') continue;
    if (kind === 'cgroup') {
      if (!hooks.cgroupDir) throw new Error(`program ${p.name} (section ${p.section}) attaches to a cgroup; pass --cgroup`);
      out.push({ program: p.name, target: cgroupTarget(hooks.cgroupDir), pinName: linkPinName(p.name, 'cgroup') });
      continue;
    }
    if (hooks.devices.length === 0) {
      throw new Error(`program ${p.name} (section ${p.section}) attaches to network devices; pass --device IFNAME (once per device)`);
    }
    for (const d of hooks.devices) out.push({ program: p.name, target: deviceTarget(kind, d), pinName: linkPinName(p.name, d) });
  }
  return out;
}

export interface LinkChange {
  wanted: WantedLink;
  action: 'created' | 'updated';
  link: PinnedLink | { fd: number };
  /** For updated links: the program it ran before, to put back on rollback. */
  oldProgFd?: number;
}

/** Whether a pinned link still sits on the hook it was made for (a device can be recreated). */
export function stillOnTarget(info: PinnedLink['info'], t: HookTarget): boolean {
  // A cgroup v2 directory's inode number is its cgroup id, which the link reports.
  if (t.kind === 'cgroup') return info.type === LinkType.CGROUP && info.cgroupId === statSync(t.cgroupDir!, { bigint: true }).ino;
  const expected = t.kind === 'xdp' ? LinkType.XDP : LinkType.TCX;
  return info.type === expected && info.ifindex === ifNameToIndex(t.device!);
}

/**
 * Attaches every wanted link. On failure, what was done so far is undone before the error is
 * thrown, so the hooks run exactly the programs they ran before.
 */
export function attachLinks(wanted: WantedLink[], programs: Map<string, LoadedProgram>, pins: PinLayout, after?: (c: LinkChange) => void): LinkChange[] {
  const changes: LinkChange[] = [];
  try {
    for (const w of wanted) {
      const prog = programs.get(w.program)!;
      const path = pins.link(w.program, w.target.label);
      let existing: PinnedLink | undefined;
      try {
        existing = openPinnedLink(path);
      } catch (e) {
        if ((e as { code?: string }).code !== 'ENOENT') throw e;
      }
      let change: LinkChange;
      if (existing && stillOnTarget(existing.info, w.target)) {
        let oldProgFd: number;
        try {
          oldProgFd = swapProgram(existing, prog, w.pinName);
        } catch (e) {
          closeFd(existing.fd);
          throw e;
        }
        change = { wanted: w, action: 'updated', link: existing, oldProgFd };
      } else {
        let fd: number;
        try {
          fd = createLink(prog, w.target);
        } catch (e) {
          if (existing) closeFd(existing.fd);
          throw e;
        }
        change = { wanted: w, action: 'created', link: { fd } };
        if (existing) {
          // The pin holds a link on another hook (its device was recreated, --cgroup changed):
          // the new link is in place first, then the old one lets go.
          detachLink(existing.fd, w.pinName);
          closeFd(existing.fd);
          pins.unpin(path);
        }
        changes.push(change);
        pinLink(fd, path, prog);
        after?.(change);
        continue;
      }
      changes.push(change);
      after?.(change);
    }
    return changes;
  } catch (e) {
    const failures = rollBackLinks(changes, pins);
    if (failures.length) (e as Error).message += `; rolling back links also failed: ${failures.join('; ')}`;
    throw e;
  }
}

/** Undoes attachLinks: updated links run their old program again, created links go. */
export function rollBackLinks(changes: LinkChange[], pins: PinLayout): string[] {
  const failures: string[] = [];
  for (const c of [...changes].reverse()) {
    try {
      if (c.action === 'updated') restoreProgram(c.link.fd, c.oldProgFd!, c.wanted.pinName);
      else {
        detachLink(c.link.fd, c.wanted.pinName);
        pins.unpin(pins.link(c.wanted.program, c.wanted.target.label));
      }
    } catch (e) {
      failures.push((e as Error).message);
    }
  }
  closeLinkChanges(changes);
  changes.length = 0;
  return failures;
}

export function closeLinkChanges(changes: LinkChange[]): void {
  for (const c of changes) {
    closeFd(c.link.fd);
    if (c.oldProgFd !== undefined) closeFd(c.oldProgFd);
  }
}

/** Detaches and unpins every link pin not in `keep`; returns their names. */
export function removeLinksExcept(pins: PinLayout, keep: Set<string>): string[] {
  const removed: string[] = [];
  for (const name of pins.list(pins.linksDir)) {
    if (keep.has(name)) continue;
    const path = `${pins.linksDir}/${name}`;
    try {
      const l = openPinnedLink(path);
      detachLink(l.fd, name);
      closeFd(l.fd);
    } catch {
      // Not a link, or already detached: removing the pin is all that is left to do (the last
      // reference to a link going detaches it as well).
    }
    pins.unpin(path);
    removed.push(name);
  }
  return removed;
}

/** The program id each pinned link runs now, by pin name (for status and the snapshot). */
export function pinnedLinkPrograms(pins: PinLayout): Map<string, PinnedLink['info']> {
  const out = new Map<string, PinnedLink['info']>();
  for (const name of pins.list(pins.linksDir)) {
    try {
      const l = openPinnedLink(`${pins.linksDir}/${name}`);
      out.set(name, l.info);
      closeFd(l.fd);
    } catch {
      // not a link: status shows it as foreign
    }
  }
  return out;
}
