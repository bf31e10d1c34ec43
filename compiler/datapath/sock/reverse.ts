// Reverse translation at recvmsg() (UDP replies) and getpeername(): a backend's address becomes
// the service address the application asked for. A connected socket finds its peer in its own
// storage; an unconnected UDP socket's replies are found in the LRU map by the socket's cookie
// and the backend (forward.ts says why each). An entry whose frontend is gone (its reverse-NAT
// entry removed or changed by an apply) is dropped instead of used: the application then sees
// the backend, which is the truth. One source for both families (../lb/family.ts).

import { LbFamily, LbTypes } from '../lb/family.ts';

/** Whether the frontend an entry names is still the one its rev-NAT ID stands for. */
function frontStands<F extends LbTypes>(fam: LbFamily<F>, revNatId: u16, address: F['addr'], port: be16): bool {
  const front = fam.reverseNat.lookup({ rev_nat_id: revNatId });
  // Wildcard frontends (NodePorts) keep address 0 there: the client's own choice stands.
  return front !== null && front.port === port && (fam.sameAddress(front.address, address) || fam.isAnyAddress(front.address));
}

/** Rewrites `peer` to the frontend it stands for; false when it is no translated backend. */
export function reverse<F extends LbTypes>(ctx: SockAddr, fam: LbFamily<F>, peer: F['sockAddr']): bool {
  const mine = fam.sockPeer.get(ctx, 0);
  if (mine && mine.rev_nat_id !== 0 && mine.backend_port === peer.port && fam.sameAddress(mine.backend, peer.address)) {
    if (!frontStands(fam, mine.rev_nat_id, mine.address, mine.port)) {
      mine.rev_nat_id = 0;
      return false;
    }
    peer.address = mine.address;
    peer.port = mine.port;
    return true;
  }
  const key: F['sockKey'] = { ...zeroed<F['sockKey']>(), cookie: bpf_get_socket_cookie(ctx), address: peer.address, port: peer.port };
  const nat = fam.sockReverseNat.lookup(key);
  if (!nat) return false;
  if (!frontStands(fam, nat.rev_nat_id, nat.address, nat.port)) {
    fam.sockReverseNat.delete(key);
    return false;
  }
  peer.address = nat.address;
  peer.port = nat.port;
  return true;
}
