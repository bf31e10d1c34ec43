// The socket LB loaded twice from one compile: attached to a cgroup of the test's own, where the
// test process itself makes real system calls (connect, sendto, recvfrom, getpeername, bind,
// close) on non-blocking sockets in a network namespace of its own; and in a simulated node. A
// recorder after each hook (sock-recorder.ts) reports what the kernel's hook did and what its
// helpers answered, random numbers and the clock are steered alike (steer.ts), and every call
// is run in the simulator with the same input, then compared: the address and port after the
// hook, the refusal and its errno, and the map entries the call changed.

import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildObject } from '../../compiler/bpf/object.ts';
import { encode } from '../../compiler/bpf/encode.ts';
import { linkItems } from '../../compiler/bpf/link-items.ts';
import { compileFiles, type CompileResult } from '../../compiler/lang/compile.ts';
import { formatDiagnostic } from '../../compiler/diagnostics.ts';
import { sectionKind } from '../../format/bpf-object-sections.ts';
import { readBpfObject } from '../../format/elf-read.ts';
import { linkCreate } from '../../runtime/sys/bpf-link.ts';
import { progLoad } from '../../runtime/sys/bpf.ts';
import { closeFd } from '../../runtime/sys/syscall.ts';
import { SimNode, type ConnectResult, type SocketHook } from '../../simulate/node.ts';
import { cgroup2Root, createCgroup } from '../helpers/cgroup.ts';
import { uniqueName } from '../helpers/names.ts';
import { run as sh, type Cleanup } from '../helpers/netns.ts';
import { createMaps, joinNetns, type Datapath } from '../packet/harness.ts';
import { changedEntries, mapComparer } from './map-compare.ts';
import { createRecorder, RECORDED_HOOKS, type RecordedHook } from './sock-recorder.ts';
import { addressBytes, addressText, bindTo, closeSocket, connectTo, openSocket, peerName, receiveFrom, sendTo, socketCookie, sockName, type SockAddr } from './sockets.ts';
import { createSteering, STEER_MAP, steerHelpers } from './steer.ts';

/** A socket of the corpus, open in the kernel. */
export interface Sock {
  fd: number;
  cookie: bigint;
  family: 4 | 6;
  proto: 'tcp' | 'udp';
  /** Connected (as the kernel has it after the hook), for recvfrom's peer. */
  peer?: SockAddr;
}

/** One call on both sides: what each did, and lines naming what differs (empty: agreed). */
export interface CallOutcome {
  hook: RecordedHook;
  /** False when the kernel never ran the hook (getpeername on an unconnected socket): nothing compared. */
  ran: boolean;
  errno: number;
  /** The kernel's hook changed the address or port, or refused the call. */
  translated?: boolean;
  refused?: boolean;
  mismatches: string[];
}

let compiled: CompileResult | undefined;

/**
 * The socket LB alone. Nothing varies it: it picks at random per connect (the talk), whatever
 * the north-south algorithm. Its reverse-entry map is an LRU map, and the kernel's LRU starts
 * evicting before the map is full (free entries wait in per-CPU lists), where the simulator's
 * evicts only when full: so the map is large enough that a 100,000-call corpus (about 4,000
 * entries) never comes near.
 */
export function compileSockLb(): CompileResult {
  if (compiled) return compiled;
  const r = compileFiles(['compiler/datapath/sock/programs.ts'], {
    config: { mapServices: 1024, mapBackends: 1024, mapReverseNat: 1024, mapAffinity: 1024, mapConntrack: 4096, mapSockReverseNat: 65536, mapSourceRanges: 64, maglevTableSize: 251 },
  });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`compile socket LB:\n${errors.map(formatDiagnostic).join('\n')}`);
  compiled = r;
  return r;
}

/**
 * A namespace with every address of `local` on lo (so a backend or a peer can answer from it)
 * and default routes through lo (so any connect finds a route); the process joins it.
 */
function enterSocketNetns(t: Cleanup, local: readonly string[]): void {
  const name = uniqueName('sysk');
  sh(['ip', 'netns', 'add', name]);
  t.teardown(() => void sh(['ip', 'netns', 'del', name]));
  const ip = (...args: string[]) => sh(['ip', '-n', name, ...args]);
  ip('link', 'set', 'lo', 'up');
  for (const a of local) ip(...(a.includes(':') ? ['-6', 'addr', 'add', `${a}/128`, 'dev', 'lo', 'nodad'] : ['addr', 'add', `${a}/32`, 'dev', 'lo']));
  ip('route', 'add', 'default', 'dev', 'lo');
  ip('-6', 'route', 'add', 'default', 'dev', 'lo');
  joinNetns(t, name);
}

/** This process joins the cgroup until teardown (its sockets made meanwhile belong to it). */
function joinCgroup(t: Cleanup, path: string): void {
  const home = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::'))!.slice(3);
  writeFileSync(join(path, 'cgroup.procs'), String(process.pid));
  t.teardown(() => writeFileSync(join(cgroup2Root(), home, 'cgroup.procs'), String(process.pid)));
}

/** The dotted IPv4 address of an IPv4 or ::ffff:a.b.c.d address; undefined for other IPv6 ones. */
function ipv4Of(address: string): string | undefined {
  const b = addressBytes(address);
  if (b.length === 4) return address;
  const mapped = b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  return mapped ? [...b.subarray(12)].join('.') : undefined;
}

export interface SockDual {
  /** The kernel side's maps, shaped as the packet tests' tables.ts writes them. */
  kernel: Datapath;
  sim: SimNode;
  /** The hooks the socket LB has a program for. */
  hooks: readonly RecordedHook[];
  /** Copies every kernel map entry into the simulator's maps (after writing tables). */
  mirror(): void;
  compareMaps(): string[];
  uncompared: string[];
  /** The values the next call's helpers get (both sides). */
  steer(v: { random: number; ktimeNs: bigint }): void;
  connect(family: 4 | 6, proto: 'tcp' | 'udp', dst: SockAddr): { sock: Sock; outcome: CallOutcome };
  sendmsg(sock: Sock, dst: SockAddr): CallOutcome;
  getpeername(sock: Sock): CallOutcome;
  /** A datagram to `sock` from the responder at `from` (one of `peers`), received. */
  recvmsg(sock: Sock, from: SockAddr): CallOutcome;
  bind(family: 4 | 6, proto: 'tcp' | 'udp', local: SockAddr): CallOutcome;
  close(sock: Sock): CallOutcome;
  /** A UDP socket, neither bound nor connected. */
  udpSocket(family: 4 | 6): Sock;
}

/**
 * Loads both sides. `peers` are the UDP responders recvmsg takes datagrams from (made before
 * the process joins the cgroup, so their own calls never run the hooks); their addresses, and
 * `local`, go on lo.
 */
export async function loadSockDual(t: Cleanup, local: readonly string[], peers: readonly SockAddr[]): Promise<SockDual> {
  const r = compileSockLb();
  const object = readBpfObject(buildObject(r.object).elf, 'socket LB');
  const sim = await SimNode.create(object, { trace: false });
  const maps = createMaps(t, r);
  const steering = createSteering(t, sim);
  enterSocketNetns(t, [...new Set([...local, ...peers.map((p) => p.address)])]);
  const responders = new Map<string, { fd: number; family: 4 | 6 }>();
  for (const p of peers) {
    const family = p.address.includes(':') ? 6 : 4;
    const fd = openSocket(family, 'udp');
    t.teardown(() => closeSocket(fd));
    const err = bindTo(fd, family, p);
    if (err) throw new Error(`responder ${p.address}:${p.port}: bind: errno ${err}`);
    responders.set(`${addressText(addressBytes(p.address))}/${p.port}`, { fd, family });
  }

  const cgroup = createCgroup(t, 'sy-sockdiff');
  const dirFd = openSync(cgroup.path, 'r');
  t.teardown(() => closeSync(dirFd));
  const recorder = createRecorder(t);
  for (const p of r.programs) {
    const items = steerHelpers(linkItems(r.object, p.name));
    const { fd } = progLoad({ type: p.progType, insns: encode(items, { maps: new Map([...maps, [STEER_MAP, steering.fd]]) }).bytes, license: 'GPL', name: p.name.slice(0, 15), expectedAttachType: p.expectedAttachType, logLevel: 0 });
    t.teardown(() => closeFd(fd));
    const link = linkCreate({ progFd: fd, target: dirFd, attachType: sectionKind(p.section)!.attachType });
    t.teardown(() => closeFd(link));
  }
  recorder.attach(dirFd);
  joinCgroup(t, cgroup.path);
  const hooks = RECORDED_HOOKS.filter((h) => r.programs.some((p) => p.section === `cgroup/${h}`));

  // The corpus's open sockets by cookie (socket-local storage is read through them), closed in
  // teardown when a failure left them open.
  const open = new Map<bigint, number>();
  t.teardown(() => open.forEach((fd) => closeSocket(fd)));
  const socket = (family: 4 | 6, proto: 'tcp' | 'udp'): Sock => {
    const fd = openSocket(family, proto);
    const cookie = socketCookie(fd);
    open.set(cookie, fd);
    return { fd, cookie, family, proto };
  };
  const compare = mapComparer(r.maps, maps, sim.maps, () => open);
  const runsBefore = new Map<RecordedHook, bigint>();
  let allBefore = 0n;
  const before = (hook: RecordedHook) => {
    runsBefore.set(hook, recorder.read(hook).runs);
    allBefore = recorder.allRuns();
  };
  /** A hook that ran in the kernel besides the call's own. */
  const othersRan = (what: string, own: bigint): string[] => {
    const others = recorder.allRuns() - allBefore - own;
    return others === 0n ? [] : [`${what}: the kernel ran ${others} other hook(s) in the same call`];
  };
  const hookName = (h: SocketHook, family: 4 | 6) => `${h}${family}` as RecordedHook;
  /** The sim's address text for an address the socket of `family` sees (IPv4 on IPv6: mapped). */
  const asSeen = (family: 4 | 6, a: string) => {
    const b = addressBytes(a);
    return family === 6 && b.length === 4 ? `0:0:0:0:0:ffff:${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}` : addressText(b);
  };

  /** After a sock_addr call: the record against the simulator's run of the same call. */
  const compareAddrHook = (sock: { family: 4 | 6; proto: 'tcp' | 'udp'; cookie: bigint }, h: SocketHook, input: SockAddr, errno: number): CallOutcome => {
    const hook = hookName(h, sock.family);
    const rec = recorder.read(hook);
    const runs = rec.runs - runsBefore.get(hook)!;
    const what = `${hook} ${sock.proto} ${input.address}:${input.port}`;
    if (runs === 0n) return { hook, ran: false, errno, mismatches: othersRan(what, 0n) };
    sim.env.netnsCookie = Number(rec.netnsCookie);
    const s: ConnectResult = sim.connect({ family: sock.family, proto: sock.proto, dst: asSeen(sock.family, input.address), port: input.port, hook: h, cookie: Number(rec.cookie) });
    const mismatches: string[] = othersRan(what, runs);
    if (rec.cookie !== sock.cookie) mismatches.push(`${what}: the hook saw cookie ${rec.cookie}, SO_COOKIE said ${sock.cookie}`);
    if (runs !== 1n) mismatches.push(`${what}: the kernel ran the hook ${runs} times in one call`);
    const kernelAddr = addressText(rec.address);
    const simAddr = addressText(addressBytes(s.dst));
    if (kernelAddr !== simAddr || rec.port !== s.port) mismatches.push(`${what}: kernel → ${kernelAddr}:${rec.port}, wasm → ${simAddr}:${s.port}`);
    // A refusal without bpf_set_retval is EPERM, as the cgroup hook's caller makes it.
    const simRetval = s.code === 1 ? s.retval : s.retval < 0 ? s.retval : -1;
    if (rec.retval !== simRetval) mismatches.push(`${what}: kernel retval ${rec.retval}, wasm ${simRetval} (rc ${s.code})`);
    if (rec.retval < 0 && errno !== -rec.retval) mismatches.push(`${what}: the hook refused with ${-rec.retval} but the call failed with errno ${errno}`);
    mismatches.push(...compare.compareEntries(changedEntries(s.mapOps, sim.maps)).map((m) => `${what}: ${m}`));
    const translated = kernelAddr !== addressText(addressBytes(asSeen(sock.family, input.address))) || rec.port !== input.port;
    return { hook, ran: true, errno, translated, refused: rec.retval < 0, mismatches };
  };

  const dual: SockDual = {
    kernel: { maps } as unknown as Datapath,
    sim,
    hooks,
    uncompared: compare.uncompared,
    mirror() {
      for (const name of maps.keys()) {
        const m = sim.maps.get(name)!;
        for (const [k, val] of compare.kernelEntries(name)) m.set(Buffer.from(k, 'hex'), Buffer.from(val, 'hex'));
      }
    },
    compareMaps: () => compare.compareAll(),
    steer: (s) => steering.set(s),
    udpSocket: (family) => socket(family, 'udp'),
    connect(family, proto, dst) {
      const sock = socket(family, proto);
      before(hookName('connect', family));
      const errno = connectTo(sock.fd, family, dst);
      const outcome = compareAddrHook(sock, 'connect', dst, errno);
      if (outcome.ran && (errno === 0 || errno === 115)) {
        const rec = recorder.read(outcome.hook);
        sock.peer = { address: addressText(rec.address), port: rec.port };
      }
      return { sock, outcome };
    },
    sendmsg(sock, dst) {
      // An IPv6 socket's datagram to an IPv4 address (::ffff:a.b.c.d) goes the IPv4 way in the
      // kernel (udpv6_sendmsg hands it to udp_sendmsg), through sendmsg4 with the IPv4 address.
      const v4 = ipv4Of(dst.address);
      const hookSock = v4 ? { ...sock, family: 4 as const } : sock;
      before(hookName('sendmsg', hookSock.family));
      return compareAddrHook(hookSock, 'sendmsg', v4 ? { address: v4, port: dst.port } : dst, sendTo(sock.fd, sock.family, dst));
    },
    getpeername(sock) {
      before(hookName('getpeername', sock.family));
      const errno = peerName(sock.fd).errno;
      return compareAddrHook(sock, 'getpeername', sock.peer ?? { address: sock.family === 6 ? '::' : '0.0.0.0', port: 0 }, errno);
    },
    recvmsg(sock, from) {
      const responder = responders.get(`${addressText(addressBytes(from.address))}/${from.port}`);
      if (!responder) throw new Error(`recvmsg: no responder at ${from.address}:${from.port}`);
      const me = sockName(sock.fd).address!;
      // A socket that never sent nor connected has no port to be reached at.
      if (me.port === 0) return { hook: `recvmsg${sock.family}`, ran: false, errno: 0, mismatches: [] };
      const mine = addressBytes(me.address);
      // An unbound socket's datagrams come to loopback; an IPv4 responder reaches an IPv6 socket by its mapped address.
      const unspecified = mine.every((b) => b === 0);
      const mappedV4 = mine.length === 16 && mine.subarray(0, 10).every((b) => b === 0) && mine[10] === 0xff && mine[11] === 0xff;
      const to = responder.family === 4 ? (unspecified ? '127.0.0.1' : mappedV4 ? [...mine.subarray(12)].join('.') : addressText(mine)) : unspecified ? '::1' : addressText(mine);
      if (responder.family === 4 && mine.length === 16 && !unspecified && !mappedV4) return { hook: 'recvmsg6', ran: false, errno: 0, mismatches: [] };
      if (responder.family === 6 && sock.family === 4) return { hook: 'recvmsg4', ran: false, errno: 0, mismatches: [] };
      const sent = sendTo(responder.fd, responder.family, { address: to, port: me.port });
      if (sent) throw new Error(`responder ${from.address}:${from.port} → ${to}:${me.port}: errno ${sent}`);
      before(hookName('recvmsg', sock.family));
      let got = receiveFrom(sock.fd);
      // A pending ICMP error of an earlier send comes out first; loopback delivers at once, else a moment later.
      for (let i = 0; i < 1000 && got.errno && [11, 111].includes(got.errno); i++) got = receiveFrom(sock.fd);
      return compareAddrHook(sock, 'recvmsg', from, got.errno);
    },
    bind(family, proto, localAddr) {
      const sock = socket(family, proto);
      before(hookName('bind', family));
      const errno = bindTo(sock.fd, family, localAddr);
      const outcome = compareAddrHook(sock, 'bind', localAddr, errno);
      const closed = dual.close(sock);
      return { ...outcome, mismatches: [...outcome.mismatches, ...closed.mismatches] };
    },
    close(sock) {
      before('sock_release');
      closeSocket(sock.fd);
      open.delete(sock.cookie);
      const rec = recorder.read('sock_release');
      const runs = rec.runs - runsBefore.get('sock_release')!;
      // Without a sock_release program of ours only the recorder ran.
      if (runs === 0n || !hooks.includes('sock_release')) return { hook: 'sock_release', ran: false, errno: 0, mismatches: othersRan('sock_release', runs) };
      const family = rec.family === 10 ? 6 : 4;
      const s = sim.release({ family, proto: sock.proto, dst: addressText(rec.address), port: rec.port, cookie: Number(rec.cookie) });
      const what = `sock_release ${sock.proto} → ${addressText(rec.address)}:${rec.port}`;
      const mismatches = [...othersRan(what, runs), ...(rec.cookie === sock.cookie ? [] : [`${what}: the hook saw cookie ${rec.cookie}, SO_COOKIE said ${sock.cookie}`]), ...compare.compareEntries(changedEntries(s.mapOps, sim.maps)).map((m) => `${what}: ${m}`)];
      if (s.code !== 1) mismatches.push(`${what}: wasm rc ${s.code}, the kernel's hook lets every socket go`);
      return { hook: 'sock_release', ran: true, errno: 0, mismatches };
    },
  };
  return dual;
}
