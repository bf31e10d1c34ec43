// `switchyard-node apply`: puts one node's artifacts into the running kernel, or updates what
// an earlier apply put there, without a half state. The order:
//
//   check artifacts → journal "applying" → maps found/made and diffed → programs loaded
//   → additions written (referenced tables first) → links created or swapped atomically
//   → stale links, entries and maps removed → snapshot → journal "applied"
//
// Until the links are switched, any failure undoes what was done and restores the journal: the
// node is as it was. A process killed anywhere leaves the journal at "applying", and the next
// apply trusts no snapshot, diffs the live maps and converges.

import { writeNodeClock } from './clock-probe.ts';
import { closeFd } from './sys/syscall.ts';
import { readNodeArtifacts, refuseUnverified, verifiedId, type NodeArtifactSet } from './artifacts.ts';
import { reached } from './crash-points.ts';
import { attachLinks, closeLinkChanges, pinnedLinkPrograms, removeLinksExcept, rollBackLinks, stillOnTarget, wantedLinks, type Hooks, type LinkChange, type WantedLink } from './link-sync.ts';
import { loadObjectBtf, loadPrograms, type LoadedPrograms, type ObjectBtf } from './load-programs.ts';
import { abandonMaps, commitMaps, deleteStale, migrateStaged, prepareMaps, rollBackAdditions, writeAdditions, type MapPlan } from './map-sync.ts';
import { ensureBpffs, resolveCgroup } from './mounts.ts';
import { lockNodeDir } from './node-lock.ts';
import { PinLayout } from './pins.ts';
import { readJournal, StateDir, writeJournal, type JournalRecord, type SnapshotIndex } from './state.ts';
import type { LiveMap } from './map.ts';
import { describePlan } from './apply-report.ts';
import { parseBtf } from '../format/btf-read.ts';
import type { Btf } from '../format/bpf-object-btf.ts';

export interface ApplyOptions {
  /** The generated/<cluster> directory (with manifest.json). */
  dir: string;
  node: string;
  bpffs: string;
  stateDir: string;
  /** --cgroup: relative to the cgroup v2 mount, or absolute inside it; default its root. */
  cgroup?: string;
  devices: string[];
  dryRun?: boolean;
  /** Trust no snapshot: diff every map against the live map, reload and re-attach programs.
   *  The way back after status reported drift (someone changed the maps or hooks). */
  reconcile?: boolean;
  verbose?: boolean;
  /** --no-verify: skip the WebAssembly verifier's pre-check; the kernel verifier still decides. */
  noVerify?: boolean;
  /** Progress and report lines (default: none). */
  log?: (line: string) => void;
}

export interface ApplyResult {
  /** What was (or, in a dry run, would be) done, one line each. */
  lines: string[];
  /** Whether anything in the kernel changed. */
  changed: boolean;
  ms: number;
}

/** The new object's BTF, parsed, for carrying entries over to replaced maps (map-migrate.ts). */
function objectBtf(a: NodeArtifactSet): Btf | undefined {
  return a.object.btf ? parseBtf(a.object.btf) : undefined;
}

function hooksFor(a: NodeArtifactSet, o: ApplyOptions): Hooks {
  const needsCgroup = a.object.programs.some((p) => p.section.startsWith('cgroup'));
  return { devices: o.devices, ...(needsCgroup ? { cgroupDir: resolveCgroup(o.cgroup) } : {}) };
}

/** True when the attached programs already are this object's, on exactly the wanted hooks. */
function programsCurrent(snapshot: SnapshotIndex | undefined, a: NodeArtifactSet, wanted: WantedLink[], pins: PinLayout, plans: MapPlan[]): boolean {
  if (!snapshot || snapshot.object !== a.objectHash || plans.some((p) => p.origin !== 'pinned')) return false;
  const live = pinnedLinkPrograms(pins);
  if (live.size !== wanted.length) return false;
  return wanted.every((w) => {
    const info = live.get(w.pinName);
    return info !== undefined && info.progId === snapshot.links[w.pinName] && stillOnTarget(info, w.target);
  });
}

export function apply(o: ApplyOptions): ApplyResult {
  const t0 = performance.now();
  const log = o.log ?? (() => {});
  // Each step is a point a test can kill the process at, and a timing for --verbose: wall time,
  // and this process's CPU time, which a busy machine does not inflate.
  const timings: string[] = [];
  let last = t0;
  let lastCpu = process.cpuUsage();
  const step = (name: string) => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    timings.push(`${name} ${(now - last).toFixed(1)} ms (cpu ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms)`);
    last = now;
    lastCpu = process.cpuUsage();
    reached(name);
  };
  const artifacts = readNodeArtifacts(o.dir, o.node);
  step('artifacts-checked');
  const hooks = hooksFor(artifacts, o);
  const wanted = wantedLinks(artifacts.object.programs, hooks);
  const pins = new PinLayout(o.bpffs, o.node);
  const state = new StateDir(o.stateDir);

  if (o.dryRun) {
    if (!o.noVerify) refuseUnverified(artifacts);
    const plans = prepareMaps(artifacts.maps, pins, undefined, state, { dryRun: true });
    try {
      const lines = describePlan(artifacts, plans, wanted, pins, true);
      return { lines, changed: false, ms: performance.now() - t0 };
    } finally {
      for (const p of plans) p.live?.close();
    }
  }

  const mounted = ensureBpffs(o.bpffs);
  if (mounted) log(mounted);
  pins.ensureDirs();
  const lock = lockNodeDir(pins.nodeDir, o.node);
  let btf: ObjectBtf = {};
  let plans: MapPlan[] = [];
  let loaded: LoadedPrograms | undefined;
  let links: LinkChange[] = [];
  try {
    const before = readJournal(pins.journal);
    const snapshot = o.reconcile ? undefined : state.trustedIndex(before);
    const applying: JournalRecord = { v: 1, phase: 'applying', manifest: artifacts.manifestHash, cluster: artifacts.manifest.cluster, at: new Date().toISOString() };
    writeJournal(pins.journal, applying);
    step('journal-written');
    // Restores the node's journal after a failure that was fully undone: the old snapshot is
    // still exactly what the maps hold.
    const undone = (failures: string[]) => {
      if (failures.length === 0) writeJournal(pins.journal, before);
      return failures;
    };

    let reuse = false;
    let verified: string | undefined;
    let verifier: 'checked' | 'earlier' | undefined;
    try {
      btf = loadObjectBtf(artifacts.object);
      if (btf.warning) log(`warning: ${btf.warning}`);
      const types = objectBtf(artifacts);
      plans = prepareMaps(artifacts.maps, pins, snapshot, state, { ...(btf.fd !== undefined ? { btfFd: btf.fd } : {}), ...(types ? { btf: types } : {}) });
      step('maps-prepared');
      const maps = new Map<string, LiveMap>(plans.map((p) => [p.want.def.name, p.live!]));
      reuse = programsCurrent(snapshot, artifacts, wanted, pins, plans);
      // Verified here before, by this verifier: the bytes are the same (their sha256 was checked).
      if (snapshot?.verified !== undefined && snapshot.verified === verifiedId(artifacts)) {
        verified = snapshot.verified;
        if (!reuse) verifier = 'earlier';
      } else if (!reuse && !o.noVerify) {
        verified = refuseUnverified(artifacts);
        verifier = 'checked';
      }
      if (!reuse) loaded = loadPrograms(artifacts.object, maps, { ...(btf.fd !== undefined ? { btfFd: btf.fd } : {}), verbose: !!o.verbose });
      step('programs-loaded');
      writeAdditions(plans, (p) => reached(`map-written:${p.want.def.name}`));
      const clock = writeNodeClock(maps, log);
      if (clock?.probe && o.verbose) log(`node clock: HZ ${clock.probe.hz} (bpf_jiffies64 measured at ${clock.probe.measured.toFixed(1)} a second)`);
      step('maps-written');
      migrateStaged(plans, pins, types, clock ? { nsPerJiffy: clock.nsPerJiffy } : {});
      step('maps-migrated');
      if (loaded) {
        const byName = new Map(loaded.programs.map((p) => [p.name, p]));
        links = attachLinks(wanted, byName, pins, (c) => reached(`link:${c.wanted.pinName}`));
      }
      step('links-attached');
    } catch (e) {
      const failures = undone([...rollBackAdditions(plans), ...rollBackLinks(links, pins)]);
      abandonMaps(plans, pins);
      plans = [];
      if (failures.length) (e as Error).message += `\nrolling back also failed (the next apply will converge): ${failures.join('; ')}`;
      else (e as Error).message += `\nnothing was changed on node ${o.node}`;
      throw e;
    }

    // The new programs and entries are live: from here on, stale state goes, and a failure
    // leaves the journal at "applying" for the next apply to converge.
    const removedLinks = loaded ? removeLinksExcept(pins, new Set(wanted.map((w) => w.pinName))) : [];
    deleteStale(plans);
    const droppedMaps = commitMaps(plans, pins);
    step('stale-removed');

    const index: SnapshotIndex = {
      v: 1,
      manifest: artifacts.manifestHash,
      cluster: artifacts.manifest.cluster,
      node: o.node,
      object: artifacts.objectHash,
      ...(verified ? { verified } : {}),
      maps: {},
      links: {},
      appliedAt: new Date().toISOString(),
    };
    // The snapshot only speeds up the next apply: failing to write it is a warning, and the
    // journal then vouches for none (the next apply reads the live maps).
    let indexHash: string | undefined;
    try {
      for (const p of plans) {
        if (!p.want.records) continue;
        const old = snapshot?.maps[p.want.def.name];
        const contents = p.diffSource === 'unchanged' && old ? old.contents : state.writeContents(p.want.def.name, p.want.records, p.want.file);
        index.maps[p.want.def.name] = { id: p.live!.info.id, contents, count: p.want.records.count };
      }
      for (const [name, info] of pinnedLinkPrograms(pins)) index.links[name] = info.progId;
      indexHash = state.writeIndex(index);
    } catch (e) {
      log(`warning: could not write the snapshot to ${state.dir} (${(e as Error).message}); the next apply will read the live maps instead`);
    }
    step('snapshot-written');
    writeJournal(pins.journal, {
      v: 1,
      phase: 'applied',
      manifest: artifacts.manifestHash,
      cluster: artifacts.manifest.cluster,
      ...(artifacts.manifest.generation !== undefined ? { generation: artifacts.manifest.generation } : {}),
      ...(indexHash ? { snapshot: indexHash } : {}),
      at: index.appliedAt,
    });

    const lines = describePlan(artifacts, plans, wanted, pins, false, { links, reusedPrograms: reuse, removedLinks, droppedMaps, loaded, ...(verifier ? { verifier } : {}) });
    step('journal-committed');
    if (o.verbose) lines.push(`  timings: ${timings.join(', ')}`);
    const changed = reuse
      ? plans.some((p) => p.origin !== 'pinned' || (p.diff && p.diff.added.count + p.diff.changed.count + p.diff.removed.count > 0))
      : true;
    return { lines, changed, ms: performance.now() - t0 };
  } finally {
    closeLinkChanges(links);
    loaded?.close();
    for (const p of plans) p.live?.close();
    if (btf.fd !== undefined) closeFd(btf.fd);
    lock.release();
  }
}
