// bind() to a port a service answers on is refused (the talk: the bind hook rejects binds to
// NodePorts): a NodePort on any address, a LoadBalancer IP or ExternalIP on its own address.
// Otherwise a local application would take traffic meant for the service's backends. One source
// for both families (../lb/family.ts).

import { LbFamily, LbTypes } from '../lb/family.ts';
import { KIND_EXTERNAL_IP, KIND_LOAD_BALANCER, KIND_NODE_PORT, KIND_SHIFT } from '../lb/index.ts';

/** True when binding (address, port) would take a service's frontend. */
export function bindTaken<F extends LbTypes>(fam: LbFamily<F>, address: F['addr'], port: be16, protocol: u8): bool {
  if (port === be16(0)) return false;
  const key: F['svcKey'] = { ...zeroed<F['svcKey']>(), port, protocol, scope: 0, slot: 0, pad: 0 };
  const wild = fam.services.lookup(key);
  if (wild && wild.flags >> KIND_SHIFT === KIND_NODE_PORT) return true;
  if (fam.isAnyAddress(address)) return false;
  key.address = address;
  const svc = fam.services.lookup(key);
  if (!svc) return false;
  const kind = svc.flags >> KIND_SHIFT;
  return kind === KIND_LOAD_BALANCER || kind === KIND_EXTERNAL_IP;
}
