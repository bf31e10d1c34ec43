// Runs the north-south programs on crafted packets with BPF_PROG_TEST_RUN, inside a network
// namespace of the test's own that makes the FIB deterministic: this process's main thread
// joins it (setns: a network namespace is per thread, and every bpf(2) call runs on the main
// thread), so bpf_fib_lookup sees exactly the devices, routes and neighbours below.
//
//   eth0 10.0.0.1/24 (02:00:00:00:00:01)   default via 10.0.0.254 (02:00:00:00:00:fe)
//                                          10.2.0.0/24 via 10.0.0.2 (02:00:00:00:00:02)
//                                          10.9.0.0/24 via 10.0.0.9 (no neighbour: NO_NEIGH)
//   lxc0 (02:00:00:00:01:fe)               10.1.0.1 dev lxc0 (pod, 02:00:00:00:01:01)
//   IPv6: eth0 fd00:10::1/64, default via fd00:10::fe, fd00:10:2::/64 via fd00:10::2,
//         fd00:10:1::1 dev lxc0 (the same MACs)

import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import koffi from 'koffi';
import { compileFiles, type CompileResult } from '../../compiler/lang/compile.ts';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { linkItems } from '../../compiler/bpf/link-items.ts';
import { encode } from '../../compiler/bpf/encode.ts';
import { mapCreate, progLoad, progTestRun, type TestRunResult } from '../../runtime/sys/bpf.ts';
import { closeFd } from '../../runtime/sys/syscall.ts';
import { requiredMapBtf } from '../../verifier/kernel.ts';
import { uniqueName } from '../helpers/names.ts';
import { NETNS_TOOLS, run as sh, type Cleanup } from '../helpers/netns.ts';
import type { Tool } from '../helpers/tools.ts';

const libc = koffi.load('libc.so.6');
const setns = libc.func('int setns(int fd, int nstype)');
const CLONE_NEWNET = 0x40000000;

export const MAC = {
  eth0: [2, 0, 0, 0, 0, 1],
  gateway: [2, 0, 0, 0, 0, 0xfe],
  node2: [2, 0, 0, 0, 0, 2],
  lxc0: [2, 0, 0, 0, 1, 0xfe],
  pod: [2, 0, 0, 0, 1, 1],
};

/** The tools enterPacketNetns spawns: ip, and sysctl for forwarding. */
export const PACKET_NETNS_TOOLS: readonly Tool[] = [...NETNS_TOOLS, 'sysctl'];

export interface PacketNetns {
  eth0: number;
  lxc0: number;
}

/** Joins a fresh namespace laid out as above, for the rest of this test file's process. */
export function enterPacketNetns(t: Cleanup): PacketNetns {
  const name = uniqueName('sypk');
  sh(['ip', 'netns', 'add', name]);
  const ip = (...args: string[]) => sh(['ip', '-n', name, ...args]);
  ip('link', 'set', 'lo', 'up');
  ip('link', 'add', 'eth0', 'address', '02:00:00:00:00:01', 'type', 'veth', 'peer', 'name', 'ext0');
  ip('link', 'add', 'lxc0', 'address', '02:00:00:00:01:fe', 'type', 'veth', 'peer', 'name', 'pod0');
  for (const d of ['eth0', 'ext0', 'lxc0', 'pod0']) ip('link', 'set', d, 'up');
  ip('addr', 'add', '10.0.0.1/24', 'dev', 'eth0');
  ip('neigh', 'replace', '10.0.0.254', 'lladdr', '02:00:00:00:00:fe', 'dev', 'eth0', 'nud', 'permanent');
  ip('neigh', 'replace', '10.0.0.2', 'lladdr', '02:00:00:00:00:02', 'dev', 'eth0', 'nud', 'permanent');
  ip('route', 'add', 'default', 'via', '10.0.0.254');
  ip('route', 'add', '10.2.0.0/24', 'via', '10.0.0.2');
  ip('route', 'add', '10.9.0.0/24', 'via', '10.0.0.9'); // a next hop without a neighbour entry
  ip('route', 'add', '10.1.0.1/32', 'dev', 'lxc0');
  ip('neigh', 'replace', '10.1.0.1', 'lladdr', '02:00:00:00:01:01', 'dev', 'lxc0', 'nud', 'permanent');
  ip('-6', 'addr', 'add', 'fd00:10::1/64', 'dev', 'eth0', 'nodad');
  ip('-6', 'neigh', 'replace', 'fd00:10::fe', 'lladdr', '02:00:00:00:00:fe', 'dev', 'eth0', 'nud', 'permanent');
  ip('-6', 'neigh', 'replace', 'fd00:10::2', 'lladdr', '02:00:00:00:00:02', 'dev', 'eth0', 'nud', 'permanent');
  ip('-6', 'route', 'add', 'default', 'via', 'fd00:10::fe');
  ip('-6', 'route', 'add', 'fd00:10:2::/64', 'via', 'fd00:10::2');
  ip('-6', 'route', 'add', 'fd00:10:1::1/128', 'dev', 'lxc0');
  ip('-6', 'neigh', 'replace', 'fd00:10:1::1', 'lladdr', '02:00:00:00:01:01', 'dev', 'lxc0', 'nud', 'permanent');
  sh(['ip', 'netns', 'exec', name, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
  const index = (dev: string) => Number(/^(\d+):/.exec(ip('-o', 'link', 'show', dev))![1]);
  const devices = { eth0: index('eth0'), lxc0: index('lxc0') };

  t.teardown(() => spawnSync('ip', ['netns', 'del', name]));
  joinNetns(t, name);
  return devices;
}

/** This thread (every bpf(2) call of the process) joins the named namespace until teardown. */
export function joinNetns(t: Cleanup, name: string): void {
  const home = openSync('/proc/thread-self/ns/net', 'r');
  const target = openSync(`/run/netns/${name}`, 'r');
  try {
    if (setns(target, CLONE_NEWNET) !== 0) throw new Error(`setns into ${name}: errno ${koffi.errno()}`);
  } catch (e) {
    closeSync(home);
    throw e;
  } finally {
    closeSync(target);
  }
  t.teardown(() => {
    setns(home, CLONE_NEWNET);
    closeSync(home);
  });
}

/** Configuration of the north-south objects under test (compiler/datapath-build/config.ts). */
export interface Variant {
  hook: 'tc' | 'xdp';
  dsr?: boolean;
  hairpin?: boolean;
  /** Entries of the service, backend and conntrack maps (default: a few thousand). */
  scale?: number;
  maglev?: boolean;
  /** A directory holding another tree's compiler/datapath to compile instead of this one (the bench's before/after). */
  sourceRoot?: string;
}

const compiled = new Map<string, CompileResult>();

export function compileNodeport(v: Variant): CompileResult {
  const id = `${v.hook}/${!!v.dsr}/${!!v.hairpin}/${v.scale ?? 0}/${!!v.maglev}/${v.sourceRoot ?? ''}`;
  const n = v.scale ?? 1024;
  const known = compiled.get(id);
  if (known) return known;
  const root = v.sourceRoot ?? '.';
  const files = [...(v.hook === 'xdp' ? ['compiler/datapath/nodeport/xdp.ts'] : []), 'compiler/datapath/nodeport/tc.ts', 'compiler/datapath/nodeport/egress.ts'].map((f) => join(root, f));
  const r = compileFiles(files, {
    config: {
      mapServices: n,
      mapBackends: n,
      mapReverseNat: n,
      mapAffinity: 1024,
      mapConntrack: 4 * n,
      mapSockReverseNat: 1024,
      mapSourceRanges: 64,
      maglevTableSize: 251,
      algorithmMaglev: !!v.maglev,
      forwardingDsr: !!v.dsr,
      hookXdp: v.hook === 'xdp',
      hairpin: !!v.hairpin,
    },
  });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`compile ${id}:\n${errors.map(formatDiagnostic).join('\n')}`);
  compiled.set(id, r);
  return r;
}

export interface RunOptions {
  /** The device the frame arrives on (default eth0). */
  ifindex?: number;
  /** Runs of the same frame; the result's durationNs is their mean (the bench). */
  repeat?: number;
}

export interface Datapath {
  maps: Map<string, number>;
  /** Program fds by name: nodeport_xdp (XDP variant), nodeport_ingress, nodeport_egress. */
  programs: Map<string, number>;
  ingress(frame: Uint8Array, o?: RunOptions): TestRunResult;
  egress(frame: Uint8Array, o?: RunOptions): TestRunResult;
  /** The tc ingress program, also in the XDP variant (what XDP passes up). */
  tcIngress(frame: Uint8Array, o?: RunOptions): TestRunResult;
  /** Compiled with algorithm maglev: tables.ts writes each service's Maglev tables. */
  maglev?: boolean;
}

/** Fresh kernel maps for a compile's map declarations, by name; closed in teardown. */
export function createMaps(t: Cleanup, r: CompileResult): Map<string, number> {
  const maps = new Map<string, number>();
  for (const m of r.maps) {
    const fd = mapCreate({ type: m.mapType, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags, name: m.name, ...requiredMapBtf(m.mapType, m.valueSize) });
    maps.set(m.name, fd);
    t.teardown(() => closeFd(fd));
  }
  return maps;
}

/** Fresh maps, every program loaded against them; closed in teardown. */
export function loadNodeport(t: Cleanup, v: Variant, devices: PacketNetns): Datapath {
  const r = compileNodeport(v);
  const maps = createMaps(t, r);
  const programs = new Map<string, number>();
  for (const p of r.programs) {
    const enc = encode(linkItems(r.object, p.name), { maps });
    const res = progLoad({ type: p.progType, insns: enc.bytes, license: 'GPL', name: p.name.slice(0, 15), expectedAttachType: p.expectedAttachType, logLevel: 0 });
    programs.set(p.name, res.fd);
    t.teardown(() => closeFd(res.fd));
  }
  const ingressName = v.hook === 'tc' ? 'nodeport_ingress' : 'nodeport_xdp';
  const run = (name: string, frame: Uint8Array, o: RunOptions, xdp: boolean) => {
    const ifindex = o.ifindex ?? devices.eth0;
    return progTestRun(programs.get(name)!, { data: frame, ctx: xdp ? xdpMd(ifindex, frame.length) : skbCtx(ifindex), repeat: o.repeat ?? 1 });
  };
  return {
    maps,
    programs,
    maglev: !!v.maglev,
    ingress: (frame, o = {}) => run(ingressName, frame, o, v.hook === 'xdp'),
    egress: (frame, o = {}) => run('nodeport_egress', frame, o, false),
    tcIngress: (frame, o = {}) => run('nodeport_ingress', frame, o, false),
  };
}

/**
 * struct xdp_md: data_end is the frame's length (left 0, the program sees an empty packet), and
 * the device the frame arrives on (BPF_PROG_TEST_RUN checks it exists).
 */
export function xdpMd(ifindex: number, length: number): Uint8Array {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(length, 4);
  b.writeUInt32LE(ifindex, 12);
  return b;
}

/** struct __sk_buff (192 bytes) with ifindex and ingress_ifindex set. */
export function skbCtx(ifindex: number): Uint8Array {
  const b = Buffer.alloc(192);
  b.writeUInt32LE(ifindex, 36); // ingress_ifindex
  b.writeUInt32LE(ifindex, 40); // ifindex
  return b;
}
