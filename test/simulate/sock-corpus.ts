// The socket hooks' differential corpus: the packet tests' tables (corpus.ts writeTables: every
// frontend type) plus socket-only services (ClusterIPs with and without ClientIP affinity, an
// IPv6 ClusterIP, one with only a terminating backend, one with none), and a seeded stream of
// system calls over them: connects and sendmsgs to every frontend type, non-service addresses
// and backends themselves, IPv4 and IPv6 sockets, IPv4 destinations of IPv6 sockets
// (::ffff:a.b.c.d), TCP and UDP; datagrams received from backends and others (recvmsg);
// getpeername; binds to service and other ports; closes (sock_release); the clock moved on so
// that affinity entries age.

import { NODE, REMOTE, LOCAL } from '../packet/scene.ts';
import { LB6, LOCAL6, NODE6, REMOTE6 } from '../packet/scene6.ts';
import { putService4, putService6 } from '../packet/tables.ts';
import type { Datapath } from '../packet/harness.ts';
import { writeTables } from './corpus.ts';
import type { CallOutcome, Sock, SockDual } from './sock-dual.ts';
import type { RecordedHook } from './sock-recorder.ts';
import { addressBytes, type SockAddr } from './sockets.ts';

type Random = () => number;
const pick = <T>(r: Random, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Random, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** Writes the tables: the packet corpus's, and the socket-only services. */
export function writeSockTables(dp: Datapath): void {
  writeTables(dp);
  const b = (id: number, address: string, port: number, terminating = false) => ({ id, address, port, terminating });
  putService4(dp, { address: '10.5.0.9', port: 80, kind: 'ClusterIP', flags: ['AFFINITY'], affinity: 30, backends: [b(1, REMOTE, 80), b(4, '10.2.0.2', 80), b(5, '10.2.0.3', 80)], revNatId: 21, serviceId: 21 });
  putService4(dp, { address: '10.5.0.10', port: 53, protocol: 17, kind: 'ClusterIP', backends: [b(6, '10.2.0.4', 53), b(7, '10.1.0.4', 53), b(8, '10.2.0.5', 53)], revNatId: 22, serviceId: 22 });
  putService4(dp, { address: '10.5.0.11', port: 80, kind: 'ClusterIP', backends: [b(9, '10.1.0.9', 80, true)], revNatId: 23, serviceId: 23 });
  putService4(dp, { address: '10.5.0.12', port: 80, protocol: 17, kind: 'ClusterIP', backends: [], revNatId: 24, serviceId: 24 });
  putService6(dp, { address: 'fd00:10:5::1', port: 80, kind: 'ClusterIP', backends: [{ id: 5, address: REMOTE6, port: 80 }, { id: 6, address: LOCAL6, port: 8080 }], revNatId: 21, serviceId: 21 });
  putService6(dp, { address: 'fd00:10:5::1', port: 80, protocol: 17, kind: 'ClusterIP', flags: ['AFFINITY'], affinity: 30, backends: [{ id: 5, address: REMOTE6, port: 80 }, { id: 6, address: LOCAL6, port: 8080 }], revNatId: 22, serviceId: 22 });
}

/** Destinations of IPv4 calls: frontends of every type, then addresses no service has. */
const dst4: ReadonlyArray<readonly [string, number]> = [
  ['10.5.0.1', 80], ['10.5.0.9', 80], ['10.5.0.10', 53], ['10.5.0.11', 80], ['10.5.0.12', 80],
  [NODE, 30001], ['127.0.0.1', 30001], ['127.0.0.53', 30001], [NODE, 30002], [NODE, 30005], [NODE, 30006], ['127.0.0.1', 30006], [NODE, 10000],
  ['10.3.0.1', 80], ['10.3.0.2', 80], ['10.3.0.3', 80], ['203.0.113.10', 8080],
  [NODE, 22], ['10.5.0.1', 81], [REMOTE, 80], ['198.51.100.7', 80],
];
const dst6: ReadonlyArray<readonly [string, number]> = [
  [NODE6, 30001], ['::1', 30001], [LB6, 80], ['fd00:10:5::1', 80], ['fd00:10:5::1', 81], [NODE6, 22], [REMOTE6, 80],
];

/** The addresses the namespace has on lo: the node's, and the peers'. */
export const SOCK_LOCAL = [NODE, NODE6, '10.3.0.1', '203.0.113.10', LB6];

/** UDP responders recvmsg hears from: backends, frontends and others. */
export const SOCK_PEERS: readonly SockAddr[] = [
  ...[[REMOTE, 80], [LOCAL, 8080], ['10.9.0.1', 80], ['10.2.0.2', 80], ['10.2.0.3', 80], ['10.2.0.4', 53], ['10.1.0.4', 53], ['10.2.0.5', 53], ['10.1.0.9', 80], ['10.5.0.1', 80], ['198.51.100.7', 80]],
  ...[[REMOTE6, 80], [LOCAL6, 8080], ['fd00:10:5::1', 80]],
].map(([address, port]) => ({ address: address as string, port: port as number }));

const bindAddresses4 = ['0.0.0.0', NODE, '127.0.0.1', '10.3.0.1', '203.0.113.10'];
const bindAddresses6 = ['::', NODE6, '::1', '::ffff:10.0.0.1', LB6];
const bindPorts = [30001, 30002, 30006, 10000, 80, 8080, 53, 0, 40000];

export interface SockCorpus {
  /** One call (or a clock step); its outcome, or undefined for a step. */
  next(): CallOutcome | undefined;
  /** Closes what is still open; the outcomes of those closes. */
  drain(): CallOutcome[];
}

/**
 * `aim`, when given, names the hook the caller wants more runs of (the one with fewest so far):
 * three calls in five are then made for it (its call, on a socket of its family), the rest drawn
 * as usual, so that every program gets its share of a fixed budget, not only the common ones.
 */
export function sockCorpus(r: Random, dual: SockDual, clockStartNs: bigint, aim?: () => RecordedHook | undefined): SockCorpus {
  const open: Sock[] = [];
  let now = clockStartNs;
  const steer = () => dual.steer({ random: Math.floor(r() * 2 ** 32), ktimeNs: now });
  const destination = (family: 4 | 6): SockAddr => {
    const [address, port] = family === 4 || r() < 0.4 ? pick(r, dst4) : pick(r, dst6);
    return { address, port };
  };
  const keep = (s: Sock): CallOutcome | undefined => {
    open.push(s);
    if (open.length <= 64) return undefined;
    steer();
    return dual.close(open.shift()!);
  };
  // Where each hook's calls fall in next()'s draw, and the family its suffix names.
  const aimed = (hook: RecordedHook): { what: number; family: 4 | 6 } | undefined => {
    const m = /^(connect|sendmsg|recvmsg|getpeername|bind)([46])$/.exec(hook);
    if (!m) return undefined;
    const at = { connect: 0, sendmsg: 0.3, recvmsg: 0.5, getpeername: 0.68, bind: 0.78 }[m[1] as 'connect'];
    return { what: at, family: m[2] === '6' ? 6 : 4 };
  };
  return {
    next() {
      const target = aim && r() < 0.6 ? aimed(aim() ?? 'sock_release') : undefined;
      const what = target?.what ?? r();
      const family: 4 | 6 = target?.family ?? (r() < 0.65 ? 4 : 6);
      steer();
      if (what < 0.3) {
        const { sock, outcome } = dual.connect(family, r() < 0.5 ? 'tcp' : 'udp', destination(family));
        const closed = keep(sock);
        return closed ? { ...outcome, mismatches: [...outcome.mismatches, ...closed.mismatches] } : outcome;
      }
      if (what < 0.5) {
        const unconnected = open.filter((s) => s.proto === 'udp' && !s.peer && s.family === family);
        const sock = unconnected.length && r() < 0.7 ? pick(r, unconnected) : dual.udpSocket(family);
        if (!open.includes(sock)) keep(sock);
        if (target && family === 6) {
          const [address, port] = pick(r, dst6);
          return dual.sendmsg(sock, { address, port });
        }
        return dual.sendmsg(sock, destination(family));
      }
      if (what < 0.68) {
        const udp = open.filter((s) => s.proto === 'udp' && (!target || s.family === family));
        if (!udp.length) return undefined;
        const sock = pick(r, udp);
        const peers = SOCK_PEERS.filter((p) => (sock.family === 6 || !p.address.includes(':')));
        // A connected socket hears its peer only.
        const from = sock.peer ? SOCK_PEERS.find((p) => p.port === sock.peer!.port && sameAddress(p.address, sock.peer!.address)) : pick(r, peers);
        return from ? dual.recvmsg(sock, from) : undefined;
      }
      if (what < 0.78) {
        // Aimed: a connected socket of the family (getpeername runs no hook on an unconnected one).
        const socks = target ? open.filter((s) => s.family === family && s.peer) : open;
        return socks.length ? dual.getpeername(pick(r, socks)) : undefined;
      }
      if (what < 0.88) {
        const address = pick(r, family === 4 ? bindAddresses4 : bindAddresses6);
        return dual.bind(family, r() < 0.5 ? 'tcp' : 'udp', { address, port: pick(r, bindPorts) });
      }
      if (what < 0.96) return open.length ? dual.close(open.splice(int(r, 0, open.length - 1), 1)[0]!) : undefined;
      // Affinity entries live 30 s here: steps of up to 40 s let some expire and some not.
      now += BigInt(int(r, 0, 40_000)) * 1_000_000n;
      return undefined;
    },
    drain() {
      return open.splice(0).map((s) => {
        steer();
        return dual.close(s);
      });
    },
  };
}

/** The same address, however spelled (an IPv4 address also as ::ffff:a.b.c.d). */
function sameAddress(a: string, b: string): boolean {
  const v4 = (x: Uint8Array) => (x.length === 16 && x.subarray(0, 10).every((y) => y === 0) && x[10] === 0xff && x[11] === 0xff ? x.subarray(12) : x);
  return Buffer.compare(v4(addressBytes(a)), v4(addressBytes(b))) === 0;
}
