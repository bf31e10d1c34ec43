// `switchyard-node status`: what is applied on a node, read from the kernel, and whether the
// live maps still hold what the last apply wrote (drift: someone or something changed them).

import { fromPinSafe, parseLinkPinName, type PinLayout } from './pins.ts';
import { LiveMap, UNLISTABLE_NOTE } from './map.ts';
import { openPinnedLink } from './link.ts';
import { diffIsEmpty, diffLive } from './records.ts';
import { readJournal, type StateDir } from './state.ts';
import { fdById, progInfo } from './sys/bpf-obj.ts';
import { closeFd } from './sys/syscall.ts';
import { AttachType, LinkType } from './sys/bpf.ts';
import { describeMapDef } from './object.ts';

export interface NodeStatus {
  lines: string[];
  /** false when an apply was interrupted or a map drifted: apply again to converge. */
  healthy: boolean;
}

const attachNames = new Map<number, string>(Object.entries(AttachType).map(([k, v]) => [v, k.toLowerCase()]));

export function nodeStatus(pins: PinLayout, state: StateDir): NodeStatus {
  const lines: string[] = [];
  let healthy = true;
  const journal = readJournal(pins.journal);
  const index = state.trustedIndex(journal);
  if (!journal) {
    lines.push(`node ${pins.node}: nothing applied (no journal in ${pins.nodeDir})`);
    healthy = pins.list(pins.mapsDir).length === 0;
  } else if (journal.phase === 'applying') {
    lines.push(`node ${pins.node}: an apply of manifest ${journal.manifest.slice(0, 12)} (cluster ${journal.cluster}) did not finish (started ${journal.at}); run apply again to converge`);
    healthy = false;
  } else {
    lines.push(`node ${pins.node}: cluster ${journal.cluster}, manifest ${journal.manifest.slice(0, 12)} applied ${journal.at}`);
    if (!index) lines.push(`  (no snapshot of that apply in ${state.dir}: drift cannot be checked; the next apply reads the live maps)`);
  }

  lines.push('maps:');
  for (const pin of pins.list(pins.mapsDir)) {
    const name = fromPinSafe(pin);
    let m: LiveMap | undefined;
    try {
      m = LiveMap.openPinned(`${pins.mapsDir}/${pin}`, name);
      if (!m.listable) {
        lines.push(`  ${name}: ${describeMapDef(m.info)}, id ${m.info.id}; ${UNLISTABLE_NOTE}`);
        continue;
      }
      const all = m.readAll();
      const count = m.isArray ? countNonZero(all.values, m.valueSize) : all.count;
      let note = 'not managed (no contents file)';
      const snap = index?.maps[name];
      if (snap) {
        const want = snap.id === m.info.id ? state.readContents(snap, m.keySize, m.valueSize) : undefined;
        if (!want) {
          note = 'snapshot unusable (map replaced or file missing): drift unknown';
        } else {
          const d = diffLive(all.keys, all.values, all.count, want);
          if (m.isArray) d.removed.retain((_, v) => v.some((b) => b !== 0));
          if (diffIsEmpty(d)) note = 'in sync with the last apply';
          else {
            healthy = false;
            note = `DRIFT since the last apply: ${d.removed.count} unexpected, ${d.changed.count} changed, ${d.added.count} missing; run apply --reconcile`;
          }
        }
      }
      lines.push(`  ${name}: ${describeMapDef(m.info)}, id ${m.info.id}, ${count} entries; ${note}`);
    } catch (e) {
      healthy = false;
      lines.push(`  ${name}: cannot read (${(e as Error).message})`);
    } finally {
      m?.close();
    }
  }

  lines.push('links:');
  for (const pin of pins.list(pins.linksDir)) {
    const parsed = parseLinkPinName(pin);
    try {
      const l = openPinnedLink(`${pins.linksDir}/${pin}`);
      closeFd(l.fd);
      const hook =
        l.info.type === LinkType.XDP ? `xdp on ifindex ${l.info.ifindex}` :
        l.info.type === LinkType.TCX ? `${attachNames.get(l.info.attachType!) ?? 'tcx'} on ifindex ${l.info.ifindex}` :
        l.info.type === LinkType.CGROUP ? `${attachNames.get(l.info.attachType!) ?? 'cgroup'} on cgroup id ${l.info.cgroupId}` :
        `link type ${l.info.type}`;
      let prog = `program id ${l.info.progId}`;
      try {
        const fd = fdById('prog', l.info.progId);
        const p = progInfo(fd);
        closeFd(fd);
        prog = `program ${p.name} id ${p.id} tag ${p.tag}`;
      } catch {
        // the id is enough
      }
      const expected = index && index.links[pin] !== undefined && index.links[pin] !== l.info.progId ? ' (NOT the program of the last apply; run apply --reconcile)' : '';
      if (expected) healthy = false;
      lines.push(`  ${parsed ? `${parsed.program} @ ${parsed.target}` : pin}: ${hook}, ${prog}, link id ${l.info.id}${expected}`);
    } catch (e) {
      healthy = false;
      lines.push(`  ${pin}: cannot read (${(e as Error).message})`);
    }
  }
  return { lines, healthy };
}

function countNonZero(values: Uint8Array, size: number): number {
  let n = 0;
  for (let i = 0; i < values.length; i += size) if (values.subarray(i, i + size).some((b) => b !== 0)) n++;
  return n;
}
