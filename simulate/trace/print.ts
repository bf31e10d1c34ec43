// A trace as text, for a terminal or a pull-request comment: per packet, each program that saw
// it (node, device, hook, verdict, headers before → after, map operations, source lines), each
// step between programs, and where the packet and its answer ended.

import type { ConnectTrace } from './connect.ts';
import type { Outcome, PacketTrace, ProgramEvent } from './walk.ts';
import { formatPacket } from '../packet/syntax.ts';

export interface PrintOptions {
  /** Verdicts and headers only: no map operations, no source lines. */
  brief?: boolean;
}

function programLines(e: ProgramEvent, o: PrintOptions): string[] {
  const to = e.redirect ? ` → ${e.redirect.device} (bpf_${e.redirect.kind})` : '';
  const out = [`  ${e.node} ${e.device} ${e.hook} (${e.program}): ${e.verdict}${to}`];
  out.push(e.before === e.after ? `    headers  ${e.before} (unchanged)` : `    headers  ${e.before}\n          →  ${e.after}`);
  if (e.macs.before !== e.macs.after) out.push(`    macs     ${e.macs.before} → ${e.macs.after}`);
  if (o.brief) return out;
  for (const m of e.mapOps) out.push(`    map      ${m.op} ${m.map} ${m.key}${m.value ? ` = ${m.value}` : ''}: ${m.result}`);
  for (const l of e.lines) out.push(`    source   ${l.file}:${l.line}  ${l.text}`);
  return out;
}

export function outcomeText(o: Outcome): string {
  const p = o.packet ? formatPacket(o.packet) : '';
  switch (o.to) {
    case 'pod':
      return `reaches a pod on ${o.node}: ${p}`;
    case 'client':
      return `leaves the cluster from ${o.node}: ${p}`;
    case 'host':
      return `taken by ${o.node}'s own stack${p ? `: ${p}` : ''}`;
    case 'drop':
      return `dropped on ${o.node} by ${o.why}`;
    case 'lost':
      return `lost${o.node ? ` at ${o.node}` : ''}: ${o.why}`;
  }
}

export function printPacketTrace(t: PacketTrace, index: number, o: PrintOptions = {}): string {
  const out = [`packet ${index}: ${t.input}${t.waitedSeconds ? ` (after ${t.waitedSeconds} s)` : ''}`];
  for (const e of t.events) {
    if (e.kind === 'program') out.push(...programLines(e, o));
    else out.push(`  ${e.kind === 'reply' ? '↩' : '·'} ${e.text}${e.packet && e.kind === 'reply' ? `: ${e.packet}` : ''}`);
  }
  out.push(`  => ${outcomeText(t.outcome)}`);
  if (t.reply) out.push(`  <= answer ${outcomeText(t.reply)}`);
  return out.join('\n') + '\n';
}

export function printConnectTrace(t: ConnectTrace, index: number, o: PrintOptions = {}): string {
  const out = [`connect ${index}: ${t.input} on ${t.node} (${t.program})`];
  out.push(`  ${t.verdict === 'allow' ? 'allowed' : 'refused'}${t.retval ? ` with errno ${-t.retval}` : ''}: ${t.before} → ${t.after}${t.before === t.after ? ' (not translated)' : ''}`);
  if (!o.brief) {
    for (const m of t.mapOps) out.push(`    map      ${m.op} ${m.map} ${m.key}${m.value ? ` = ${m.value}` : ''}: ${m.result}`);
    for (const l of t.lines) out.push(`    source   ${l.file}:${l.line}  ${l.text}`);
  }
  return out.join('\n') + '\n';
}
