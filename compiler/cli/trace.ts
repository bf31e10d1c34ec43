// `switchyard trace DIR --node NAME PACKET...`: packets (written out, or from a pcap file) and
// socket connects run through a generated cluster's objects in WebAssembly (simulate/), printed
// hop by hop. One cluster simulation serves the whole command, so later packets of a flow find
// the conntrack state earlier ones left.

import { existsSync, readFileSync } from 'node:fs';
import { withMacs } from '../../simulate/packet/build.ts';
import { readPcap } from '../../simulate/packet/pcap.ts';
import { parsePacket, type PacketSpec } from '../../simulate/packet/syntax.ts';
import { ROUTER, TraceCluster } from '../../simulate/trace/cluster.ts';
import { traceConnect, type ConnectTrace } from '../../simulate/trace/connect.ts';
import { readMapLayouts } from '../../simulate/trace/map-layouts.ts';
import { printConnectTrace, printPacketTrace } from '../../simulate/trace/print.ts';
import { Walker, type PacketTrace } from '../../simulate/trace/walk.ts';
import { EXIT, type Command } from './command.ts';
import { userPath } from './spec-paths.ts';

interface Input {
  node: string;
  text: string;
  packet: PacketSpec | Uint8Array;
  /** How long the cluster's clock runs before this packet, in nanoseconds. */
  waitNs?: number;
}

/** A pause before a packet: `+120s`, `+500ms`, `+2m`. */
const WAIT = /^\+(\d+(?:\.\d+)?)(ms|s|m)?$/;
const UNIT_NS = { ms: 1e6, s: 1e9, m: 60e9 } as const;

/**
 * Packets from the words after DIR: each starts at tcp, udp or icmp (so `tcp A > B syn` may be
 * one quoted word or several), optionally after `@NODE` to enter at another node, or `+120s` to
 * let the cluster's clock run first.
 */
export function splitPackets(words: readonly string[], node: string): Array<{ node: string; text: string; waitNs?: number }> {
  const out: Array<{ node: string; text: string; waitNs?: number }> = [];
  let at = node;
  let wait = 0;
  for (const w of words.flatMap((x) => x.trim().split(/\s+/)).filter(Boolean)) {
    const m = WAIT.exec(w);
    if (m) wait += Number(m[1]) * UNIT_NS[(m[2] ?? 's') as keyof typeof UNIT_NS];
    else if (w.startsWith('@')) at = w.slice(1);
    else if (/^(tcp|udp|icmp)$/i.test(w) || !out.length) {
      out.push({ node: at, text: w, ...(wait ? { waitNs: wait } : {}) });
      wait = 0;
    } else out[out.length - 1]!.text += ` ${w}`;
  }
  return out;
}

export const traceCommand: Command = {
  name: 'trace',
  summary: 'run packets and socket connects through the compiled datapath, in WebAssembly, hop by hop',
  usage: "switchyard trace DIR --node NAME [PACKET...] [--pcap FILE] [--connect ADDR:PORT/PROTO] [--json]",
  description: `
DIR is a generated cluster directory (generated/demo). Each PACKET comes from outside the
cluster into node NAME's device: quote it, as the shell reads '>' as a redirection:

  switchyard trace generated/demo --node node1 'tcp 198.51.100.7:40000 > 10.0.0.1:30001 syn'

A PACKET is tcp, udp or icmp, SOURCE > DESTINATION (IPv6 in brackets: [2001:db8::7]:5353), then
TCP flags (syn ack fin rst psh urg) or for ICMP echo|reply and id=N. '@node2' before a packet
makes it, and those after it, enter node2 instead; '+120s' (or +500ms, +2m) lets the cluster's
clock run before the next packet, so that conntrack entries can expire. The packets run in
order through one simulated cluster: conntrack, affinity and SNAT state carry over from packet
to packet, and a pcap file's timestamps move the clock too.

Per packet it prints every program that sees it (node, device, hook, verdict, where a redirect
goes, headers before → after, the map entries read and written, decoded with maps.json, and the
BPF-TS source lines executed), each step between nodes, and where it ends. A pod that receives
a packet answers it (SYN-ACK to a SYN, echo reply to an echo), and the answer is followed back
out of the cluster. --connect runs a socket connect() through the node's cgroup hook (before the packets).
The network (MACs, routes, the router 192.0.2.1 / 2001:db8::1 outside) is described in
docs/simulate.md. Exit code 0, or 2 on errors.`,
  options: [
    { name: 'node', value: 'NAME', help: 'the node packets enter (and connects run on)' },
    { name: 'pcap', value: 'FILE', help: 'packets from a classic pcap file (Ethernet), after the written ones' },
    { name: 'connect', value: 'ADDR:PORT/PROTO', help: 'a socket connect on the node: 10.5.0.1:8080/tcp' },
    { name: 'json', help: 'print the traces as JSON' },
    { name: 'brief', help: 'verdicts and headers only: no map operations, no source lines' },
    { name: 'no-reply', help: 'pods do not answer the packets they receive' },
    { name: 'seed', value: 'N', help: "seed of the simulated bpf_get_prandom_u32 (default 1)" },
  ],
  minPositionals: 1,
  async run(args, io) {
    const fail = (message: string): number => {
      io.stderr.write(`switchyard trace: ${message}\n`);
      return EXIT.error;
    };
    const [dirArg, ...words] = args.positionals as [string, ...string[]];
    const node = args.options.node;
    if (typeof node !== 'string') return fail("--node NAME is required: the node the packets enter; run 'switchyard trace --help'");
    const seed = args.options.seed === undefined ? 1 : Number(args.options.seed);
    if (!Number.isInteger(seed)) return fail(`--seed ${String(args.options.seed)} is not an integer`);
    const pcap = args.options.pcap;
    const connect = args.options.connect;
    if (!words.length && typeof pcap !== 'string' && typeof connect !== 'string') return fail("nothing to trace: give a PACKET, --pcap FILE or --connect ADDR:PORT/PROTO; run 'switchyard trace --help'");
    try {
      const dir = userPath(io.cwd, dirArg);
      const cluster = TraceCluster.open(dir, seed);
      cluster.node(node);
      const inputs: Input[] = [];
      for (const p of splitPackets(words, node)) {
        cluster.node(p.node);
        inputs.push({ ...p, packet: parsePacket(p.text) });
      }
      if (typeof pcap === 'string') {
        const file = userPath(io.cwd, pcap);
        if (!existsSync(file)) return fail(`--pcap ${pcap} does not exist`);
        // A capture's MACs are its own network's: the frame is re-addressed from the router to the node.
        // The capture's timestamps move the cluster's clock between its packets.
        let last: number | undefined;
        readPcap(readFileSync(file), pcap).forEach((r, i) => {
          const t = r.seconds * 1e9 + r.nanos;
          inputs.push({ node, text: `${pcap} #${i + 1}`, packet: withMacs(r.frame, ROUTER.mac, cluster.node(node).mac), ...(last !== undefined && t > last ? { waitNs: t - last } : {}) });
          last = t;
        });
      }
      const layouts = readMapLayouts(dir);
      const walker = new Walker(cluster, layouts, { reply: !args.options['no-reply'] });
      const packets: PacketTrace[] = [];
      const connects: ConnectTrace[] = [];
      if (typeof connect === 'string') connects.push(await traceConnect(cluster, layouts, node, connect));
      for (const i of inputs) {
        if (i.waitNs) cluster.advance(i.waitNs);
        packets.push({ ...(await walker.fromClient(i.node, i.packet, i.text)), ...(i.waitNs ? { waitedSeconds: i.waitNs / 1e9 } : {}) });
      }
      if (args.options.json) {
        io.stdout.write(JSON.stringify({ cluster: cluster.cluster, node, connects, packets }, null, 2) + '\n');
      } else {
        const o = { brief: args.options.brief === true };
        connects.forEach((c, i) => io.stdout.write(printConnectTrace(c, i + 1, o)));
        packets.forEach((p, i) => io.stdout.write(printPacketTrace(p, i + 1, o)));
      }
      return EXIT.ok;
    } catch (e) {
      // Packet syntax, unknown nodes, unreadable pcap files and artifacts: each message names the input and the fix.
      return fail((e as Error).message);
    }
  },
};
