// The lines `switchyard-node apply` prints: per map what changed and where the diff came from,
// per program and link what happened. A dry run prints the same lines in the conditional.

import type { NodeArtifactSet } from './artifacts.ts';
import type { LinkChange, WantedLink } from './link-sync.ts';
import type { LoadedPrograms } from './load-programs.ts';
import type { MapPlan } from './map-sync.ts';
import type { PinLayout } from './pins.ts';

export interface Outcome {
  links: LinkChange[];
  reusedPrograms: boolean;
  removedLinks: string[];
  droppedMaps: string[];
  loaded?: LoadedPrograms;
  /** The WebAssembly verifier's check of the object: run now, or done by an earlier apply. */
  verifier?: 'checked' | 'earlier';
}

function mapLine(p: MapPlan, dry: boolean): string {
  const name = p.want.def.name;
  const made = p.origin === 'created' ? (dry ? ', would be created' : ', created') : p.origin === 'staged' ? `, ${dry ? 'would be ' : ''}replaced (${p.replaces})` : '';
  const carried = p.migrated !== undefined ? `; ${p.migrated} entries carried over from the replaced map` : p.notMigrated ? `; entries not carried over: ${p.notMigrated}` : '';
  if (!p.want.records) return `map ${name}: contents not managed (no contents file)${made}${carried}`;
  if (p.diffSource === 'unchanged' || !p.diff) return `map ${name}: unchanged, ${p.finalCount} entries${made}`;
  const d = p.diff;
  const verb = dry ? 'would add' : 'added';
  return (
    `map ${name}: ${verb} ${d.added.count}, changed ${d.changed.count}, removed ${d.removed.count} → ${p.finalCount} entries` +
    ` (diffed against ${p.diffSource === 'snapshot' ? 'the last apply' : 'the live map'})${made}`
  );
}

/** The zone layer the node applies between the cluster's files and its own, when it has one. */
function zoneText(a: NodeArtifactSet): string {
  const zone = a.manifest.nodes[a.node]?.zone;
  return zone === undefined ? '' : ` (zone ${zone}'s layer)`;
}

export function describePlan(a: NodeArtifactSet, plans: MapPlan[], wanted: WantedLink[], pins: PinLayout, dry: boolean, out?: Outcome): string[] {
  const lines = [
    `${dry ? 'dry run: ' : ''}node ${a.node}: cluster ${a.manifest.cluster}${zoneText(a)}, manifest ${a.manifestHash.slice(0, 12)}, object ${a.objectHash.slice(0, 12)} → ${pins.nodeDir}`,
  ];
  for (const p of plans) lines.push(`  ${mapLine(p, dry)}`);
  if (dry) {
    for (const p of a.object.programs) lines.push(`  program ${p.name} (section ${p.section}): would be loaded`);
    for (const w of wanted) lines.push(`  link ${w.pinName}: would be created or updated`);
    return lines;
  }
  if (out?.verifier === 'checked') lines.push('  object: accepted by the WebAssembly verifier');
  if (out?.verifier === 'earlier') lines.push('  object: accepted by the WebAssembly verifier at an earlier apply (same bytes, same verifier); not checked again');
  if (out?.reusedPrograms) lines.push('  programs: unchanged (same object, links run the programs of the last apply)');
  for (const p of out?.loaded?.programs ?? []) lines.push(`  program ${p.name} (section ${p.section}): loaded, id ${p.id}, tag ${p.tag}`);
  for (const c of out?.links ?? []) lines.push(`  link ${c.wanted.pinName}: ${c.action === 'created' ? 'created and pinned' : 'program swapped (BPF_LINK_UPDATE)'}`);
  for (const n of out?.removedLinks ?? []) lines.push(`  link ${n}: detached and unpinned (no longer wanted)`);
  for (const n of out?.droppedMaps ?? []) lines.push(`  map ${n}: unpinned (no longer in the object)`);
  return lines;
}
