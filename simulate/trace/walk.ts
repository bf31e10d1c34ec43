// One packet followed through the cluster (cluster.ts) hop by hop: into a node's device (XDP,
// then tc ingress), where its verdict sends it (a pod, another device, the node's own stack),
// out through tc egress, onto the wire to the node or router that owns the destination MAC. A
// pod that receives a packet answers it (SYN with SYN-ACK, echo with reply), and the answer is
// followed the same way until it leaves the cluster. Map state stays in the nodes between
// packets, so a second packet of a flow finds the conntrack entries the first one made.

import { hookSections, type Hook, type PacketResult, type SimNode } from '../node.ts';
import { inPrefix, neighbourKey, parseAddress, parseMac, parsePrefix, routeFor } from '../network.ts';
import { buildFrame, withMacs } from '../packet/build.ts';
import { internetChecksum } from '../packet/checksum.ts';
import { decodeFrame, frameSummary, type DecodedFrame } from '../packet/decode.ts';
import type { PacketSpec, TcpFlag } from '../packet/syntax.ts';
import { POD_IFINDEX, ROUTER, type ClusterNode, type TraceCluster } from './cluster.ts';
import { decodeMapOp, type DecodedMapOp, type MapLayouts } from './map-layouts.ts';
import { executedLines, type SourceLine } from './source-lines.ts';

export interface ProgramEvent {
  kind: 'program';
  node: string;
  device: string;
  hook: Hook;
  program: string;
  verdict: PacketResult['verdict'];
  /** Where a redirect sends the packet: the helper and the device. */
  redirect?: { kind: string; device: string };
  before: string;
  after: string;
  macs: { before: string; after: string };
  mapOps: DecodedMapOp[];
  lines: SourceLine[];
}

export interface StepEvent {
  kind: 'stack' | 'wire' | 'pod' | 'client' | 'host' | 'reply' | 'lost';
  node?: string;
  /** What happened, one line. */
  text: string;
  packet?: string;
}

export type TraceEvent = ProgramEvent | StepEvent;

/** Where a traced packet (and the backend's answer to it) ended. */
export interface Outcome {
  to: 'pod' | 'client' | 'host' | 'drop' | 'lost';
  node?: string;
  /** The packet as it arrived there (parsed), when it could be parsed. */
  packet?: PacketSpec;
  /** drop: which program dropped it; lost: why it went nowhere. */
  why?: string;
  /** client: the answer is an ICMP destination unreachable (the flow was rejected), its code. */
  unreachable?: number;
}

export interface PacketTrace {
  input: string;
  events: TraceEvent[];
  outcome: Outcome;
  /** The backend's answer, when the packet reached a pod and it answered. */
  reply?: Outcome;
  /** Seconds the cluster's clock ran before this packet (`+120s`, a pcap file's timestamps). */
  waitedSeconds?: number;
}

export interface WalkOptions {
  /** Pods answer what they receive (default true). */
  reply?: boolean;
  /** Record executed source lines (default true). */
  lines?: boolean;
}

type At =
  | { where: 'ingress' | 'egress' | 'wire'; node: ClusterNode; ifindex: number; frame: Uint8Array }
  | { where: 'stack' | 'pod'; node: ClusterNode; frame: Uint8Array };

const MAX_STEPS = 32;
const macs = (d: DecodedFrame): string => `${d.srcMac} > ${d.dstMac}`;

/** The backend's answer to `p`: addresses and ports swapped, the handshake's next step. */
export function answerOf(p: PacketSpec): PacketSpec | undefined {
  if (p.proto === 'icmp') return p.icmp?.type === 'echo' ? { ...p, src: p.dst, dst: p.src, icmp: { type: 'reply', id: p.icmp.id } } : undefined;
  if (p.flags.includes('rst')) return undefined;
  const flags: TcpFlag[] = p.proto !== 'tcp' ? [] : p.flags.includes('syn') ? ['syn', 'ack'] : p.flags.includes('fin') ? ['fin', 'ack'] : ['ack'];
  return { ...p, src: p.dst, dst: p.src, sport: p.dport, dport: p.sport, flags };
}

function hasHook(sim: SimNode, hook: Hook): boolean {
  return [...sim.programs.values()].some((p) => hookSections[hook].includes(p.section));
}

/** What the kernel's forwarding does to a frame: TTL/hop limit down by one (IPv4 checksum kept). */
function forwardTtl(frame: Uint8Array): Uint8Array | undefined {
  const f = frame.slice();
  const type = (f[12]! << 8) | f[13]!;
  const at = type === 0x0800 ? 22 : type === 0x86dd ? 21 : -1;
  if (at < 0) return f;
  if (f[at]! <= 1) return undefined;
  f[at]!--;
  if (type === 0x0800) {
    const ihl = (f[14]! & 0xf) * 4;
    f[24] = f[25] = 0;
    const sum = internetChecksum(f.subarray(14, 14 + ihl));
    f[24] = sum >> 8;
    f[25] = sum & 0xff;
  }
  return f;
}

export class Walker {
  constructor(
    readonly cluster: TraceCluster,
    readonly layouts: MapLayouts,
    readonly options: WalkOptions = {},
  ) {}

  /** A packet from outside the cluster (through the router) into `node`'s first device. */
  async fromClient(nodeName: string, frameOrSpec: Uint8Array | PacketSpec, input: string): Promise<PacketTrace> {
    const node = this.cluster.node(nodeName);
    const frame = frameOrSpec instanceof Uint8Array ? frameOrSpec : buildFrame(frameOrSpec, { srcMac: ROUTER.mac, dstMac: node.mac });
    const events: TraceEvent[] = [];
    const outcome = await this.follow({ where: 'ingress', node, ifindex: 2, frame }, events);
    const trace: PacketTrace = { input, events, outcome };
    if (outcome.to === 'pod' && outcome.packet && (this.options.reply ?? true)) {
      const answer = answerOf(outcome.packet);
      if (answer) {
        const n = this.cluster.node(outcome.node!);
        const podMac = n.podMac.replace(/^02:00:00:00:01:/, '02:00:00:00:02:');
        const replyFrame = buildFrame(answer, { srcMac: podMac, dstMac: n.podMac });
        events.push({ kind: 'reply', node: n.config.name, text: `the backend answers`, packet: frameSummary(decodeFrame(replyFrame)) });
        trace.reply = await this.follow({ where: 'stack', node: n, frame: replyFrame }, events);
      }
    }
    return trace;
  }

  private async runHook(at: { node: ClusterNode; ifindex: number; frame: Uint8Array }, hook: Hook, events: TraceEvent[]): Promise<PacketResult | undefined> {
    const sim = await this.cluster.sim(at.node.config.name);
    if (!hasHook(sim, hook) || at.ifindex === POD_IFINDEX) return undefined;
    const r = sim.runPacket({ hook, ifindex: at.ifindex, packet: at.frame });
    const before = decodeFrame(at.frame);
    const after = decodeFrame(r.packet);
    const device = (i: number) => at.node.devices.get(i) ?? `ifindex ${i}`;
    events.push({
      kind: 'program',
      node: at.node.config.name,
      device: device(at.ifindex),
      hook,
      program: r.program,
      verdict: r.verdict,
      ...(r.redirect ? { redirect: { kind: r.redirect.kind, device: device(r.redirect.ifindex) } } : {}),
      before: frameSummary(before),
      after: frameSummary(after),
      macs: { before: macs(before), after: macs(after) },
      mapOps: r.mapOps.map((op) => decodeMapOp(this.layouts, op)),
      lines: this.options.lines === false ? [] : executedLines(sim.program(r.program).linked, r.pcs),
    });
    return r;
  }

  private async follow(start: At, events: TraceEvent[]): Promise<Outcome> {
    let at: At = start;
    for (let step = 0; step < MAX_STEPS; step++) {
      const name = at.node.config.name;
      const parsed = decodeFrame(at.frame);
      switch (at.where) {
        case 'ingress': {
          const xdp = await this.runHook(at, 'xdp', events);
          if (xdp && xdp.verdict !== 'pass') {
            if (xdp.verdict === 'tx') at = { where: 'wire', node: at.node, ifindex: at.ifindex, frame: xdp.packet };
            else if (xdp.verdict === 'redirect') at = { where: 'wire', node: at.node, ifindex: xdp.redirectIfindex!, frame: xdp.packet };
            else return { to: 'drop', node: name, why: `${xdp.program} (xdp ${xdp.verdict})` };
            continue;
          }
          const frame = xdp?.packet ?? at.frame;
          const tc = await this.runHook({ ...at, frame }, 'tc-ingress', events);
          at = this.afterTc(at.node, tc, frame, 'stack');
          if (tc?.verdict === 'drop' || tc?.verdict === 'aborted' || tc?.verdict === 'other') return { to: 'drop', node: name, why: `${tc.program} (tc ${tc.verdict}, code ${tc.code})` };
          continue;
        }
        case 'egress': {
          const tc = await this.runHook(at, 'tc-egress', events);
          if (tc?.verdict === 'drop' || tc?.verdict === 'aborted' || tc?.verdict === 'other') return { to: 'drop', node: name, why: `${tc.program} (tc ${tc.verdict}, code ${tc.code})` };
          at = this.afterTc(at.node, tc, tc?.packet ?? at.frame, { ifindex: at.ifindex });
          continue;
        }
        case 'wire': {
          if (parsed.dstMac === ROUTER.mac) {
            events.push({ kind: 'client', node: name, text: `leaves the cluster through the router`, packet: frameSummary(parsed) });
            return { to: 'client', node: name, ...(parsed.packet ? { packet: parsed.packet } : {}), ...(parsed.unreachable !== undefined ? { unreachable: parsed.unreachable } : {}) };
          }
          const next = this.cluster.byMac(parsed.dstMac);
          if (!next) {
            events.push({ kind: 'lost', node: name, text: `sent to ${parsed.dstMac}, which no node or router has` });
            return { to: 'lost', node: name, why: `no device has MAC ${parsed.dstMac}` };
          }
          events.push({ kind: 'wire', node: name, text: `${name} ${at.node.devices.get(at.ifindex)} → ${next.node.config.name} ${next.node.devices.get(next.ifindex)}` });
          at = { where: 'ingress', node: next.node, ifindex: next.ifindex, frame: at.frame };
          continue;
        }
        case 'pod': {
          events.push({ kind: 'pod', node: name, text: `delivered to a pod of ${name}`, packet: frameSummary(parsed) });
          return { to: 'pod', node: name, ...(parsed.packet ? { packet: parsed.packet } : {}) };
        }
        case 'stack': {
          const next = await this.stack(at.node, at.frame, parsed, events);
          if ('to' in next) return next;
          at = next;
          continue;
        }
      }
    }
    return { to: 'lost', why: `still moving after ${MAX_STEPS} steps (a loop?)` };
  }

  /** Where a tc verdict sends the frame; `pass` goes to `onPass` (the stack, or on out of a device). */
  private afterTc(node: ClusterNode, r: PacketResult | undefined, frame: Uint8Array, onPass: 'stack' | { ifindex: number }): At {
    if (r?.verdict === 'redirect' && r.redirect) {
      const { kind, ifindex } = r.redirect;
      if (kind === 'redirect_peer' || ifindex === POD_IFINDEX) return { where: 'pod', node, frame: r.packet };
      if (kind === 'redirect_neigh') {
        const dst = decodeFrame(r.packet).packet?.dst;
        const hop = r.redirect.nexthop ?? dst;
        const mac = hop ? this.neighbour(node, ifindex, hop) : undefined;
        return { where: 'egress', node, ifindex, frame: mac ? withMacs(r.packet, node.mac, mac) : r.packet };
      }
      return { where: 'egress', node, ifindex, frame: r.packet };
    }
    if (onPass === 'stack') return { where: 'stack', node, frame };
    return { where: 'wire', node, ifindex: onPass.ifindex, frame };
  }

  private neighbour(node: ClusterNode, ifindex: number, address: string): number[] | undefined {
    const n = node.network.neighbours?.find((x) => x.dev === ifindex && parseAddress(x.address).join('.') === parseAddress(address).join('.'));
    return n ? parseMac(n.mac) : undefined;
  }

  /** The node's own network stack: local delivery, a local pod, or forwarding by its routes. */
  private async stack(node: ClusterNode, frame: Uint8Array, parsed: DecodedFrame, events: TraceEvent[]): Promise<At | Outcome> {
    const name = node.config.name;
    const p = parsed.packet;
    if (!p) {
      events.push({ kind: 'host', node: name, text: `${name}'s stack takes it (${parsed.note ?? 'not IP'})` });
      return { to: 'host', node: name, why: parsed.note ?? 'not IP' };
    }
    const dst = parseAddress(p.dst);
    if (node.config.addresses.some((a) => parseAddress(a).join('.') === dst.join('.'))) {
      events.push({ kind: 'host', node: name, text: `${name}'s own address: its stack takes it (a socket on the node, or a reset)`, packet: frameSummary(parsed) });
      return { to: 'host', node: name, packet: p };
    }
    if (node.config.podCIDRs.some((c) => inPrefix(parsePrefix(c), dst))) {
      events.push({ kind: 'stack', node: name, text: `${name} routes it to its pod ${p.dst}` });
      return { where: 'pod', node, frame };
    }
    const sim = await this.cluster.sim(name);
    const route = routeFor(sim.env.network, dst);
    if (!route || route.type !== 'unicast') {
      events.push({ kind: 'lost', node: name, text: `${name} has no route to ${p.dst}` });
      return { to: 'lost', node: name, why: `no route to ${p.dst} on ${name}` };
    }
    const mac = sim.env.network.neighbours.get(neighbourKey(route.dev, route.via ?? dst));
    const out = forwardTtl(frame);
    if (!mac || !out) {
      events.push({ kind: 'lost', node: name, text: !out ? `TTL expired at ${name}` : `${name} has no neighbour entry for the next hop` });
      return { to: 'lost', node: name, why: !out ? 'TTL expired' : 'no neighbour' };
    }
    events.push({ kind: 'stack', node: name, text: `${name} forwards it by its routes out of ${node.devices.get(route.dev)}` });
    return { where: 'egress', node, ifindex: route.dev, frame: withMacs(out, node.mac, mac) };
  }
}
