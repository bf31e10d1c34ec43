// Converging live maps to wanted contents without a half state: prepare (open the pinned map or
// make a new one, diff, check capacity) touches nothing that programs read; then additions and
// changes go in, map after map in write order; only after the new programs are attached do stale
// entries go, in reverse order. Each step can be undone until the apply commits.

import { join } from 'node:path';
import { fromPinSafe, STAGED_SUFFIX, type PinLayout } from './pins.ts';
import { LiveMap } from './map.ts';
import { MapType } from './sys/bpf.ts';
import { diffLive, diffRecords, emptyRecords, type RecordDiff } from './records.ts';
import type { DesiredMap } from './artifacts.ts';
import type { Btf } from '../format/bpf-object-btf.ts';
import { meaningChange, migrateEntries, planMigration, type MigrationContext } from './map-migrate.ts';
import type { SnapshotIndex, StateDir } from './state.ts';

export interface MapPlan {
  want: DesiredMap;
  /** Absent only in a dry run, for a map that does not exist yet. */
  live?: LiveMap;
  /** How the live map was found: reused from its pin, made now, or made now beside an old one
   *  whose geometry no longer fits (pinned as `<name>.next` until the apply commits). */
  origin: 'pinned' | 'created' | 'staged';
  /** Why a staged map replaces the pinned one. */
  replaces?: string;
  /** undefined: contents not managed (no contents file) or unchanged. */
  diff?: RecordDiff;
  /** Where the diff came from: the snapshot of the last apply, or the live map read back. */
  diffSource?: 'snapshot' | 'live' | 'unchanged';
  /** Entries in the map after the apply. */
  finalCount?: number;
  /** Additions written so far (for rollback), and whether stale entries were deleted. */
  written: boolean;
  /** A staged map the datapath fills: entries carried over from the map it replaces ... */
  migrated?: number;
  /** ... or why they could not be. */
  notMigrated?: string;
}

const LRU = new Set<number>([MapType.LRU_HASH, MapType.LRU_PERCPU_HASH]);

export class CapacityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CapacityError';
  }
}

/** Finds or makes every map; nothing that a running program reads is changed. */
export function prepareMaps(
  wanted: DesiredMap[],
  pins: PinLayout,
  snapshot: SnapshotIndex | undefined,
  state: StateDir,
  o: { btfFd?: number; btf?: Btf; dryRun?: boolean },
): MapPlan[] {
  const plans: MapPlan[] = [];
  try {
    for (const want of wanted) plans.push(prepareOne(want, pins, snapshot, state, o));
    return plans;
  } catch (e) {
    abandonMaps(plans, pins);
    throw e;
  }
}

function prepareOne(want: DesiredMap, pins: PinLayout, snapshot: SnapshotIndex | undefined, state: StateDir, o: { btfFd?: number; btf?: Btf; dryRun?: boolean }): MapPlan {
  const { def } = want;
  let live = LiveMap.openPinnedIfExists(pins.map(def.name), def.name);
  let origin: MapPlan['origin'] = 'pinned';
  const replaces = live?.incompatibility(def) ?? (live && !want.records ? meaningChange(live, def, o.btf) : undefined);
  if (live && replaces) {
    live.close();
    live = undefined;
  }
  if (!live) {
    origin = replaces ? 'staged' : 'created';
    const path = replaces ? pins.stagedMap(def.name) : pins.map(def.name);
    if (replaces) {
      // A staged map left by a killed apply is reused when it fits: the programs attached now
      // may already use it.
      const staged = LiveMap.openPinnedIfExists(path, def.name);
      if (staged && !staged.incompatibility(def)) live = staged;
      else if (staged) {
        staged.close();
        if (!o.dryRun) pins.unpin(path);
      }
    }
    if (!live && !o.dryRun) {
      live = LiveMap.create(def, o.btfFd);
      try {
        live.pin(path);
      } catch (e) {
        live.close();
        throw e;
      }
    }
  }
  const plan: MapPlan = { want, origin, written: false, ...(live ? { live } : {}), ...(replaces ? { replaces } : {}) };
  if (!want.records) return plan;
  plan.finalCount = want.records.count;
  const snap = snapshot?.maps[def.name];
  const trusted = origin === 'pinned' && live && snap && snap.id === live.info.id ? snap : undefined;
  if (trusted && trusted.contents === want.hash) {
    plan.diffSource = 'unchanged';
    return plan;
  }
  const old = trusted ? state.readContents(trusted, def.keySize, def.valueSize) : undefined;
  if (old) {
    plan.diff = diffRecords(old, want.records);
    plan.diffSource = 'snapshot';
  } else if (!live || (origin !== 'pinned' && live.readAll().count === 0)) {
    plan.diff = diffRecords(emptyRecords(def.keySize, def.valueSize), want.records);
    plan.diffSource = 'live';
  } else {
    const all = live.readAll();
    plan.diff = diffLive(all.keys, all.values, all.count, want.records);
    // Array slots always exist; a zeroed slot is an absent entry, so "removing" it is no change.
    if (live.isArray) plan.diff.removed.retain((_, v) => v.some((b) => b !== 0));
    plan.diffSource = 'live';
  }
  checkCapacity(plan);
  return plan;
}

/**
 * Refuses an update the map cannot hold, before anything is written: at its peak a hash map
 * holds the old entries plus the new ones, since stale entries go only after the switch.
 */
function checkCapacity(p: MapPlan): void {
  const { def } = p.want;
  const d = p.diff!;
  const next = `raise max_entries of map ${def.name} in the cluster spec and compile again`;
  if (def.type === MapType.ARRAY || def.type === MapType.PERCPU_ARRAY) {
    for (const [k] of d.added.entries()) {
      const index = new DataView(k.buffer, k.byteOffset, 4).getUint32(0, true);
      if (index >= def.maxEntries) throw new CapacityError(`map ${def.name}: index ${index} is past its ${def.maxEntries} slots; ${next}`);
    }
    return;
  }
  if (LRU.has(def.type)) return; // LRU maps evict instead of failing.
  const final = p.finalCount!;
  if (final > def.maxEntries) {
    throw new CapacityError(`map ${def.name}: E2BIG: the contents have ${final} entries, the map holds ${def.maxEntries} (max_entries); ${next}`);
  }
  const peak = final + d.removed.count;
  if (peak > def.maxEntries) {
    throw new CapacityError(
      `map ${def.name}: E2BIG: this update needs ${peak} entries at its peak (${final} wanted, ${d.removed.count} stale ones ` +
        `removed only after the new ones are in, so no service ever points at a missing backend); the map holds ` +
        `${def.maxEntries} (max_entries); ${next}, or apply the change in two smaller steps`,
    );
  }
}

/**
 * Writes additions and changes, map after map in write order. Within a map the entries go in
 * descending key order, so an entry whose key sorts first (a service's slot 0 with its backend
 * count) is switched after the entries it counts.
 */
export function writeAdditions(plans: MapPlan[], after?: (p: MapPlan) => void): void {
  for (const p of plans) {
    if (!p.diff) continue;
    p.written = true;
    for (const list of [p.diff.added, p.diff.changed]) {
      if (list.count === 0) continue;
      const { keys, values } = list.pack('reversed');
      p.live!.writeMany(keys, values, list.count);
    }
    after?.(p);
  }
}

/**
 * Staged maps without contents files (the datapath's own: conntrack, affinity) get the entries
 * of the maps they replace, converted field by field (map-migrate.ts). Called just before the
 * links switch, so that little is written to the old maps after the copy. Nothing to undo: a
 * staged map goes away with a failed apply.
 */
export function migrateStaged(plans: MapPlan[], pins: PinLayout, btf: Btf | undefined, context: MigrationContext = {}): void {
  for (const p of plans) {
    if (p.origin !== 'staged' || p.want.records || !p.live) continue;
    const old = LiveMap.openPinnedIfExists(pins.map(p.want.def.name), p.want.def.name);
    if (!old) continue;
    try {
      const m = planMigration(old, p.want.def, btf, context);
      if (typeof m === 'string') p.notMigrated = m;
      else p.migrated = migrateEntries(old, p.live, m, p.want.def.maxEntries);
    } finally {
      old.close();
    }
  }
}

/** Deletes stale entries, in reverse write order (tables that point first, then what they point to). */
export function deleteStale(plans: MapPlan[]): void {
  for (const p of [...plans].reverse()) {
    if (!p.diff || p.diff.removed.count === 0) continue;
    const { keys } = p.diff.removed.pack();
    p.live!.deleteMany(keys, p.diff.removed.count);
  }
}

/** Undoes writeAdditions: added keys deleted, changed keys given their old values back. */
export function rollBackAdditions(plans: MapPlan[]): string[] {
  const failures: string[] = [];
  for (const p of [...plans].reverse()) {
    if (!p.written || !p.diff || p.origin !== 'pinned') continue; // new maps simply go away
    try {
      if (p.diff.previous.count) {
        const { keys, values } = p.diff.previous.pack();
        p.live!.writeMany(keys, values, p.diff.previous.count);
      }
      if (p.diff.added.count) p.live!.deleteMany(p.diff.added.pack().keys, p.diff.added.count);
    } catch (e) {
      failures.push(`map ${p.want.def.name}: ${(e as Error).message}`);
    }
    p.written = false;
  }
  return failures;
}

/** Closes every map and unpins the ones this apply made (used when the apply fails). */
export function abandonMaps(plans: MapPlan[], pins: PinLayout): void {
  for (const p of plans) {
    if (!p.live) continue;
    if (p.origin === 'created') pins.unpin(pins.map(p.want.def.name));
    if (p.origin === 'staged') pins.unpin(pins.stagedMap(p.want.def.name));
    p.live.close();
  }
}

/** After the switch: staged maps take their final pin names; pinned maps the object dropped go. */
export function commitMaps(plans: MapPlan[], pins: PinLayout): string[] {
  for (const p of plans) if (p.origin === 'staged') pins.replace(pins.stagedMap(p.want.def.name), pins.map(p.want.def.name));
  const wanted = new Set(plans.map((p) => p.want.def.name));
  const dropped: string[] = [];
  for (const pin of pins.list(pins.mapsDir)) {
    const name = fromPinSafe(pin);
    if (!wanted.has(name) || pin.endsWith(STAGED_SUFFIX)) {
      pins.unpin(join(pins.mapsDir, pin));
      dropped.push(name);
    }
  }
  return dropped;
}
