// bind() to a port a service answers on is refused (the talk: the bind hook rejects binds to
// NodePorts): a NodePort on any address, a LoadBalancer IP or ExternalIP on its own address.
// Otherwise a local application would take traffic meant for the service's backends.

import { KIND_EXTERNAL_IP, KIND_LOAD_BALANCER, KIND_NODE_PORT, KIND_SHIFT, lb4_services, lb6_services } from '../lb/index.ts';
import { lb4_key, lb6_key } from '../lb/structs.ts';

/** True when binding (address, port) would take a service's frontend. */
export function bindTaken4(address: be32, port: be16, protocol: u8): bool {
  if (port === be16(0)) return false;
  const key: lb4_key = { address: be32(0), port, protocol, scope: 0, slot: 0, pad: 0 };
  const wild = lb4_services.lookup(key);
  if (wild && wild.flags >> KIND_SHIFT === KIND_NODE_PORT) return true;
  if (address === be32(0)) return false;
  key.address = address;
  const svc = lb4_services.lookup(key);
  if (!svc) return false;
  const kind = svc.flags >> KIND_SHIFT;
  return kind === KIND_LOAD_BALANCER || kind === KIND_EXTERNAL_IP;
}

export function bindTaken6(address: FixedArray<be32, 4>, port: be16, protocol: u8): bool {
  if (port === be16(0)) return false;
  const key: lb6_key = { address: [be32(0), be32(0), be32(0), be32(0)], port, protocol, scope: 0, slot: 0, pad: 0 };
  const wild = lb6_services.lookup(key);
  if (wild && wild.flags >> KIND_SHIFT === KIND_NODE_PORT) return true;
  if ((address[0] | address[1] | address[2] | address[3]) === be32(0)) return false;
  copy(key.address, address);
  const svc = lb6_services.lookup(key);
  if (!svc) return false;
  const kind = svc.flags >> KIND_SHIFT;
  return kind === KIND_LOAD_BALANCER || kind === KIND_EXTERNAL_IP;
}
