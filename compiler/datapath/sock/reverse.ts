// Reverse translation at recvmsg() (UDP replies) and getpeername(): a backend's address becomes
// the service address the application asked for, found by the socket's cookie and the backend.
// An entry whose frontend is gone (its reverse-NAT entry removed or changed by an apply) is
// dropped instead of used: the application then sees the backend, which is the truth.

import { lb4_reverse_nat, lb4_sock_reverse_nat, lb6_reverse_nat, lb6_sock_reverse_nat } from '../lb/index.ts';
import { lb4_sock_key, lb6_sock_key } from '../lb/structs.ts';
import { sock_addr4, sock_addr6 } from './address.ts';

/** Rewrites `peer` to the frontend it stands for; false when it is no translated backend. */
export function reverse4(ctx: SockAddr, peer: sock_addr4): bool {
  const key: lb4_sock_key = { cookie: bpf_get_socket_cookie(ctx), address: peer.address, port: peer.port, pad: 0 };
  const nat = lb4_sock_reverse_nat.lookup(key);
  if (!nat) return false;
  const front = lb4_reverse_nat.lookup({ rev_nat_id: nat.rev_nat_id });
  // Wildcard frontends (NodePorts) keep address 0 there: the client's own choice stands.
  if (!front || front.port !== nat.port || (front.address !== nat.address && front.address !== be32(0))) {
    lb4_sock_reverse_nat.delete(key);
    return false;
  }
  peer.address = nat.address;
  peer.port = nat.port;
  return true;
}

export function reverse6(ctx: SockAddr, peer: sock_addr6): bool {
  const key: lb6_sock_key = {
    cookie: bpf_get_socket_cookie(ctx),
    address: [peer.address[0], peer.address[1], peer.address[2], peer.address[3]],
    port: peer.port,
    pad: [0, 0, 0, 0, 0, 0],
  };
  const nat = lb6_sock_reverse_nat.lookup(key);
  if (!nat) return false;
  const front = lb6_reverse_nat.lookup({ rev_nat_id: nat.rev_nat_id });
  const wildcard = front ? (front.address[0] | front.address[1] | front.address[2] | front.address[3]) === be32(0) : false;
  if (!front || front.port !== nat.port || (!wildcard && !equal(front.address, nat.address))) {
    lb6_sock_reverse_nat.delete(key);
    return false;
  }
  copy(peer.address, nat.address);
  peer.port = nat.port;
  return true;
}
