// Real sockets for the socket hooks' differential test, through libc with koffi: Node's own
// net and dgram modules are asynchronous, pick the socket family themselves and keep errno
// from us, and the test needs each call's errno at once, one call after another.

import koffi from 'koffi';

const libc = koffi.load('libc.so.6');
const rawSocket = libc.func('int socket(int domain, int type, int protocol)');
const rawConnect = libc.func('int connect(int fd, const void *addr, unsigned int len)');
const rawBind = libc.func('int bind(int fd, const void *addr, unsigned int len)');
const rawSendto = libc.func('long sendto(int fd, const void *buf, unsigned long len, int flags, const void *addr, unsigned int alen)');
const rawRecvfrom = libc.func('long recvfrom(int fd, void *buf, unsigned long len, int flags, void *addr, void *alen)');
const rawGetpeername = libc.func('int getpeername(int fd, void *addr, void *alen)');
const rawGetsockname = libc.func('int getsockname(int fd, void *addr, void *alen)');
const rawGetsockopt = libc.func('int getsockopt(int fd, int level, int name, void *value, void *len)');
const rawClose = libc.func('int close(int fd)');

const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;

export interface SockAddr {
  /** Dotted IPv4, or IPv6 in any form Node's URL parser takes. */
  address: string;
  port: number;
}

/** An address's 4 or 16 bytes. */
export function addressBytes(a: string): Uint8Array {
  if (!a.includes(':')) return new Uint8Array(a.split('.').map(Number));
  const host = new URL(`http://[${a}]/`).hostname.slice(1, -1);
  const [head, tail] = host.includes('::') ? host.split('::') : [host, undefined];
  const groups = (s: string | undefined) => (s ? s.split(':') : []);
  let parts = groups(head);
  if (tail !== undefined) parts = [...parts, ...Array(8 - parts.length - groups(tail).length).fill('0'), ...groups(tail)];
  // The URL parser writes an embedded IPv4 address as two hex groups already.
  const out = new Uint8Array(16);
  parts.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

/** The address of 4 or 16 bytes as text (IPv6 uncompressed, lower case: one spelling per address). */
export function addressText(b: Uint8Array): string {
  if (b.length === 4) return [...b].join('.');
  return Array.from({ length: 8 }, (_, i) => ((b[2 * i]! << 8) | b[2 * i + 1]!).toString(16)).join(':');
}

/** sockaddr_in (family 4) or sockaddr_in6 (family 6; an IPv4 address becomes ::ffff:a.b.c.d). */
export function encodeSockaddr(family: 4 | 6, a: SockAddr): Buffer {
  const bytes = addressBytes(a.address);
  if (family === 4) {
    const b = Buffer.alloc(16);
    b.writeUInt16LE(AF_INET, 0);
    b.writeUInt16BE(a.port, 2);
    b.set(bytes, 4);
    return b;
  }
  const b = Buffer.alloc(28);
  b.writeUInt16LE(AF_INET6, 0);
  b.writeUInt16BE(a.port, 2);
  if (bytes.length === 4) {
    b.writeUInt16BE(0xffff, 18);
    b.set(bytes, 20);
  } else b.set(bytes, 8);
  return b;
}

function decodeSockaddr(b: Buffer): SockAddr {
  const family = b.readUInt16LE(0);
  const port = b.readUInt16BE(2);
  return { address: addressText(new Uint8Array(family === AF_INET ? b.subarray(4, 8) : b.subarray(8, 24))), port };
}

/** 0 or the errno of a call that returned -1. */
const errnoOf = (r: number | bigint): number => (Number(r) < 0 ? koffi.errno() : 0);

/** A non-blocking socket of the family (4 or 6) and protocol; throws when the kernel refuses it. */
export function openSocket(family: 4 | 6, proto: 'tcp' | 'udp'): number {
  const fd = rawSocket(family === 4 ? AF_INET : AF_INET6, (proto === 'tcp' ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) as number;
  if (fd < 0) throw new Error(`socket(IPv${family}, ${proto}): errno ${koffi.errno()}`);
  return fd;
}

export const connectTo = (fd: number, family: 4 | 6, a: SockAddr): number => {
  const sa = encodeSockaddr(family, a);
  return errnoOf(rawConnect(fd, sa, sa.length));
};

export const bindTo = (fd: number, family: 4 | 6, a: SockAddr): number => {
  const sa = encodeSockaddr(family, a);
  return errnoOf(rawBind(fd, sa, sa.length));
};

export const sendTo = (fd: number, family: 4 | 6, a: SockAddr, payload = Buffer.from('x')): number => {
  const sa = encodeSockaddr(family, a);
  return errnoOf(rawSendto(fd, payload, payload.length, 0, sa, sa.length));
};

/** recvfrom: the datagram's source as the call reported it, or the errno. */
export function receiveFrom(fd: number): { errno: number; from?: SockAddr } {
  const buf = Buffer.alloc(64);
  const sa = Buffer.alloc(28);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(sa.length);
  const r = rawRecvfrom(fd, buf, buf.length, 0, sa, len);
  const errno = errnoOf(r);
  return errno ? { errno } : { errno, from: decodeSockaddr(sa) };
}

function name(call: (fd: number, sa: Buffer, len: Buffer) => number, fd: number): { errno: number; address?: SockAddr } {
  const sa = Buffer.alloc(28);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(sa.length);
  const errno = errnoOf(call(fd, sa, len));
  return errno ? { errno } : { errno, address: decodeSockaddr(sa) };
}

export const peerName = (fd: number) => name(rawGetpeername as (fd: number, sa: Buffer, len: Buffer) => number, fd);
export const sockName = (fd: number) => name(rawGetsockname as (fd: number, sa: Buffer, len: Buffer) => number, fd);

/** The socket's cookie (SO_COOKIE), what bpf_get_socket_cookie gives its hooks. */
export function socketCookie(fd: number): bigint {
  const SOL_SOCKET = 1;
  const SO_COOKIE = 57;
  const value = Buffer.alloc(8);
  const len = Buffer.alloc(4);
  len.writeUInt32LE(8);
  if ((rawGetsockopt(fd, SOL_SOCKET, SO_COOKIE, value, len) as number) < 0) throw new Error(`getsockopt(SO_COOKIE): errno ${koffi.errno()}`);
  return value.readBigUInt64LE(0);
}

export const closeSocket = (fd: number): void => void rawClose(fd);
