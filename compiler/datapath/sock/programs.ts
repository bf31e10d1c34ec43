// The socket LB (the talk's east-west path): cgroup hooks on every socket of the node's cgroup.
// connect/sendmsg translate a service address to a backend's, recvmsg/getpeername translate
// back, bind refuses service ports. No sock_release hook: a connected socket's reverse entry is
// in its own storage and goes with it (forward.ts). IPv4, IPv6, and IPv4 peers of IPv6 sockets
// (::ffff:a.b.c.d) through the IPv4 tables.

import { isV4Mapped, lbProtocol, sock_addr4, sock_addr6 } from './address.ts';
import { lb4, lb6 } from '../lb/family.ts';
import { bindTaken } from './bind.ts';
import { EADDRINUSE, ECONNREFUSED } from './errno.ts';
import { forward, NO_BACKEND, TRANSLATED } from './forward.ts';
import { reverse } from './reverse.ts';

/**
 * The socket's family, as its hook has it (connect4 or connect6), apart from the address's: an
 * IPv4 address on an IPv6 socket (v4-mapped, in user_ip6[3]) takes the IPv4 tables.
 */
const sock4: AddressFamily = { ipVersion: 4 };
const sock6: AddressFamily = { ipVersion: 6 };

/** @inline */
function ipv4Of(ctx: SockAddr, sock: AddressFamily): be32 {
  if (isV6(sock)) return ctx.user_ip6[3];
  return ctx.user_ip4;
}

/** @inline */
function setIpv4(ctx: SockAddr, sock: AddressFamily, address: be32): void {
  if (isV6(sock)) ctx.user_ip6[3] = address;
  else ctx.user_ip4 = address;
}

/** @inline */
function setIpv6(ctx: SockAddr, a: sock_addr6): void {
  ctx.user_ip6[0] = a.address[0];
  ctx.user_ip6[1] = a.address[1];
  ctx.user_ip6[2] = a.address[2];
  ctx.user_ip6[3] = a.address[3];
  ctx.user_port = a.port;
}

/** Whether an IPv6 socket's call names an IPv4 address. */
function mapped(ctx: SockAddr): bool {
  return isV4Mapped(ctx.user_ip6[0], ctx.user_ip6[1], ctx.user_ip6[2]);
}

/**
 * Forward translation of an IPv4 destination; refuses the call when the service has no backend.
 * `connected`: connect() rather than sendmsg().
 */
function forwardIp4(ctx: SockAddr, sock: AddressFamily, connected: bool): i32 {
  const dst: sock_addr4 = { address: ipv4Of(ctx, sock), port: ctx.user_port, pad: 0 };
  const r = forward(ctx, lb4, dst, connected);
  if (r === NO_BACKEND) return refuse(-ECONNREFUSED);
  if (r === TRANSLATED) {
    setIpv4(ctx, sock, dst.address);
    ctx.user_port = dst.port;
  }
  return SK_PASS;
}

/** The same for an IPv6 socket, whose destination may be an IPv4 address in v4-mapped form. */
function forwardIp6(ctx: SockAddr, connected: bool): i32 {
  if (mapped(ctx)) return forwardIp4(ctx, sock6, connected);
  const dst: sock_addr6 = { address: [ctx.user_ip6[0], ctx.user_ip6[1], ctx.user_ip6[2], ctx.user_ip6[3]], port: ctx.user_port, pad: 0 };
  const r = forward(ctx, lb6, dst, connected);
  if (r === NO_BACKEND) return refuse(-ECONNREFUSED);
  if (r === TRANSLATED) setIpv6(ctx, dst);
  return SK_PASS;
}

/** Reverse translation of the IPv4 peer address the call reports. */
function reverseIp4(ctx: SockAddr, sock: AddressFamily): i32 {
  const peer: sock_addr4 = { address: ipv4Of(ctx, sock), port: ctx.user_port, pad: 0 };
  if (reverse(ctx, lb4, peer)) {
    setIpv4(ctx, sock, peer.address);
    ctx.user_port = peer.port;
  }
  return SK_PASS;
}

function reverseIp6(ctx: SockAddr): i32 {
  if (mapped(ctx)) return reverseIp4(ctx, sock6);
  const peer: sock_addr6 = { address: [ctx.user_ip6[0], ctx.user_ip6[1], ctx.user_ip6[2], ctx.user_ip6[3]], port: ctx.user_port, pad: 0 };
  if (reverse(ctx, lb6, peer)) setIpv6(ctx, peer);
  return SK_PASS;
}

/** @section cgroup/connect4 */
export function connect4(ctx: SockAddr): i32 {
  return forwardIp4(ctx, sock4, true);
}

/** @section cgroup/connect6 */
export function connect6(ctx: SockAddr): i32 {
  return forwardIp6(ctx, true);
}

/** @section cgroup/sendmsg4 */
export function sendmsg4(ctx: SockAddr): i32 {
  return forwardIp4(ctx, sock4, false);
}

/** @section cgroup/sendmsg6 */
export function sendmsg6(ctx: SockAddr): i32 {
  return forwardIp6(ctx, false);
}

/** @section cgroup/recvmsg4 */
export function recvmsg4(ctx: SockAddr): i32 {
  return reverseIp4(ctx, sock4);
}

/** @section cgroup/recvmsg6 */
export function recvmsg6(ctx: SockAddr): i32 {
  return reverseIp6(ctx);
}

/** @section cgroup/getpeername4 */
export function getpeername4(ctx: SockAddr): i32 {
  return reverseIp4(ctx, sock4);
}

/** @section cgroup/getpeername6 */
export function getpeername6(ctx: SockAddr): i32 {
  return reverseIp6(ctx);
}

/** @section cgroup/bind4 */
export function bind4(ctx: SockAddr): i32 {
  if (!bindTaken(lb4, ctx.user_ip4, ctx.user_port, lbProtocol(ctx.protocol))) return SK_PASS;
  return refuse(-EADDRINUSE);
}

/** @section cgroup/bind6 */
export function bind6(ctx: SockAddr): i32 {
  const protocol = lbProtocol(ctx.protocol);
  const local: sock_addr6 = { address: [ctx.user_ip6[0], ctx.user_ip6[1], ctx.user_ip6[2], ctx.user_ip6[3]], port: ctx.user_port, pad: 0 };
  const addr = local.address;
  let taken = false;
  if (isV4Mapped(addr[0], addr[1], addr[2])) taken = bindTaken(lb4, addr[3], ctx.user_port, protocol);
  else {
    taken = bindTaken(lb6, addr, ctx.user_port, protocol);
    // [::] on a dual-stack socket takes the IPv4 port as well.
    if (!taken && (addr[0] | addr[1] | addr[2] | addr[3]) === be32(0)) taken = bindTaken(lb4, be32(0), ctx.user_port, protocol);
  }
  if (!taken) return SK_PASS;
  return refuse(-EADDRINUSE);
}

/**
 * The call fails with `retval`, a negative errno (the hook's SK_DROP alone would say EPERM).
 * @inline
 */
function refuse(retval: i32): i32 {
  bpf_set_retval(retval);
  return SK_DROP;
}
