// Reverse translation at recvmsg() (UDP replies) and getpeername(): a backend's address becomes
// the service address the application asked for, found by the socket's cookie and the backend.
// An entry whose frontend is gone (its reverse-NAT entry removed or changed by an apply) is
// dropped instead of used: the application then sees the backend, which is the truth. One
// source for both families (../lb/family.ts).

import { LbFamily, LbTypes } from '../lb/family.ts';

/** Rewrites `peer` to the frontend it stands for; false when it is no translated backend. */
export function reverse<F extends LbTypes>(ctx: SockAddr, fam: LbFamily<F>, peer: F['sockAddr']): bool {
  const key: F['sockKey'] = { ...zeroed<F['sockKey']>(), cookie: bpf_get_socket_cookie(ctx), address: peer.address, port: peer.port };
  const nat = fam.sockReverseNat.lookup(key);
  if (!nat) return false;
  const front = fam.reverseNat.lookup({ rev_nat_id: nat.rev_nat_id });
  // Wildcard frontends (NodePorts) keep address 0 there: the client's own choice stands.
  if (!front || front.port !== nat.port || (!fam.sameAddress(front.address, nat.address) && !fam.isAnyAddress(front.address))) {
    fam.sockReverseNat.delete(key);
    return false;
  }
  peer.address = nat.address;
  peer.port = nat.port;
  return true;
}
