// The socket LB (the talk's east-west path): cgroup hooks on every socket of the node's cgroup.
// connect/sendmsg translate a service address to a backend's, recvmsg/getpeername translate
// back, bind refuses service ports, sock_release forgets the socket's reverse entry. IPv4,
// IPv6, and IPv4 peers of IPv6 sockets (::ffff:a.b.c.d) through the IPv4 tables.

import { lb4_sock_reverse_nat, lb6_sock_reverse_nat } from '../lb/index.ts';
import { lb4_sock_key, lb6_sock_key } from '../lb/structs.ts';
import { isV4Mapped, lbProtocol, sock_addr4, sock_addr6 } from './address.ts';
import { lb4, lb6 } from '../lb/family.ts';
import { bindTaken } from './bind.ts';
import { EADDRINUSE, ECONNREFUSED } from './errno.ts';
import { forward, NO_BACKEND, TRANSLATED } from './forward.ts';
import { reverse } from './reverse.ts';

/** Forward translation of the IPv4 destination; refuses the call when the service has no backend. */
function forwardIp4(ctx: SockAddr): i32 {
  const dst: sock_addr4 = { address: ctx.user_ip4, port: ctx.user_port, pad: 0 };
  const r = forward(ctx, lb4, dst);
  if (r === NO_BACKEND) {
    bpf_set_retval(-ECONNREFUSED);
    return SK_DROP;
  }
  if (r === TRANSLATED) {
    ctx.user_ip4 = dst.address;
    ctx.user_port = dst.port;
  }
  return SK_PASS;
}

/** The same for an IPv6 socket, whose destination may be an IPv4 address in v4-mapped form. */
function forwardIp6(ctx: SockAddr): i32 {
  let r: u32 = 0;
  if (isV4Mapped(ctx.user_ip6[0], ctx.user_ip6[1], ctx.user_ip6[2])) {
    const dst4: sock_addr4 = { address: ctx.user_ip6[3], port: ctx.user_port, pad: 0 };
    r = forward(ctx, lb4, dst4);
    if (r === TRANSLATED) {
      ctx.user_ip6[3] = dst4.address;
      ctx.user_port = dst4.port;
    }
  } else {
    const dst: sock_addr6 = { address: [ctx.user_ip6[0], ctx.user_ip6[1], ctx.user_ip6[2], ctx.user_ip6[3]], port: ctx.user_port, pad: 0 };
    r = forward(ctx, lb6, dst);
    if (r === TRANSLATED) {
      ctx.user_ip6[0] = dst.address[0];
      ctx.user_ip6[1] = dst.address[1];
      ctx.user_ip6[2] = dst.address[2];
      ctx.user_ip6[3] = dst.address[3];
      ctx.user_port = dst.port;
    }
  }
  if (r === NO_BACKEND) {
    bpf_set_retval(-ECONNREFUSED);
    return SK_DROP;
  }
  return SK_PASS;
}

/** Reverse translation of the peer address the call reports. */
function reverseIp4(ctx: SockAddr): i32 {
  const peer: sock_addr4 = { address: ctx.user_ip4, port: ctx.user_port, pad: 0 };
  if (reverse(ctx, lb4, peer)) {
    ctx.user_ip4 = peer.address;
    ctx.user_port = peer.port;
  }
  return SK_PASS;
}

function reverseIp6(ctx: SockAddr): i32 {
  if (isV4Mapped(ctx.user_ip6[0], ctx.user_ip6[1], ctx.user_ip6[2])) {
    const peer4: sock_addr4 = { address: ctx.user_ip6[3], port: ctx.user_port, pad: 0 };
    if (reverse(ctx, lb4, peer4)) {
      ctx.user_ip6[3] = peer4.address;
      ctx.user_port = peer4.port;
    }
    return SK_PASS;
  }
  const peer: sock_addr6 = { address: [ctx.user_ip6[0], ctx.user_ip6[1], ctx.user_ip6[2], ctx.user_ip6[3]], port: ctx.user_port, pad: 0 };
  if (reverse(ctx, lb6, peer)) {
    ctx.user_ip6[0] = peer.address[0];
    ctx.user_ip6[1] = peer.address[1];
    ctx.user_ip6[2] = peer.address[2];
    ctx.user_ip6[3] = peer.address[3];
    ctx.user_port = peer.port;
  }
  return SK_PASS;
}

/** @section cgroup/connect4 */
export function connect4(ctx: SockAddr): i32 {
  return forwardIp4(ctx);
}

/** @section cgroup/connect6 */
export function connect6(ctx: SockAddr): i32 {
  return forwardIp6(ctx);
}

/** @section cgroup/sendmsg4 */
export function sendmsg4(ctx: SockAddr): i32 {
  return forwardIp4(ctx);
}

/** @section cgroup/sendmsg6 */
export function sendmsg6(ctx: SockAddr): i32 {
  return forwardIp6(ctx);
}

/** @section cgroup/recvmsg4 */
export function recvmsg4(ctx: SockAddr): i32 {
  return reverseIp4(ctx);
}

/** @section cgroup/recvmsg6 */
export function recvmsg6(ctx: SockAddr): i32 {
  return reverseIp6(ctx);
}

/** @section cgroup/getpeername4 */
export function getpeername4(ctx: SockAddr): i32 {
  return reverseIp4(ctx);
}

/** @section cgroup/getpeername6 */
export function getpeername6(ctx: SockAddr): i32 {
  return reverseIp6(ctx);
}

/** @section cgroup/bind4 */
export function bind4(ctx: SockAddr): i32 {
  if (!bindTaken(lb4, ctx.user_ip4, ctx.user_port, lbProtocol(ctx.protocol))) return SK_PASS;
  bpf_set_retval(-EADDRINUSE);
  return SK_DROP;
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
  bpf_set_retval(-EADDRINUSE);
  return SK_DROP;
}

/**
 * A connected socket's reverse entry goes with it (its peer is the backend); entries of
 * unconnected UDP sockets age out of the LRU map. Most sockets never had an entry: a lock-free
 * lookup first keeps them off the bucket lock a delete takes (the talk's lesson on updates).
 * @section cgroup/sock_release
 */
export function sock_release(ctx: Sock): i32 {
  if (ctx.dst_port === be16(0)) return SK_PASS;
  const cookie = bpf_get_socket_cookie(ctx);
  if (ctx.family === AF_INET) {
    forget4(cookie, ctx.dst_ip4, ctx.dst_port);
  } else if (ctx.family === AF_INET6) {
    if (isV4Mapped(ctx.dst_ip6[0], ctx.dst_ip6[1], ctx.dst_ip6[2])) {
      forget4(cookie, ctx.dst_ip6[3], ctx.dst_port);
    } else {
      const key: lb6_sock_key = {
        cookie,
        address: [ctx.dst_ip6[0], ctx.dst_ip6[1], ctx.dst_ip6[2], ctx.dst_ip6[3]],
        port: ctx.dst_port,
        pad: [0, 0, 0, 0, 0, 0],
      };
      if (lb6_sock_reverse_nat.lookup(key)) lb6_sock_reverse_nat.delete(key);
    }
  }
  return SK_PASS;
}

function forget4(cookie: u64, address: be32, port: be16): void {
  const key: lb4_sock_key = { cookie, address, port, pad: 0 };
  if (lb4_sock_reverse_nat.lookup(key)) lb4_sock_reverse_nat.delete(key);
}
