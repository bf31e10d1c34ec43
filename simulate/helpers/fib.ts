// bpf_fib_lookup answered from the simulation's network (network.ts), following the kernel's
// order: the input device must exist (ENODEV) and forward (FWD_DISABLED, unless
// BPF_FIB_LOOKUP_OUTPUT); the longest-prefix route decides (none, or a local address:
// NOT_FWDED; blackhole/unreachable/prohibit as such); XDP, and tc when tot_len is set, check
// the MTU (FRAG_NEEDED); then ifindex and, through a gateway, the next hop are written; a
// missing neighbour is NO_NEIGH; else both MACs are written and mtu_result set.

import { errno } from '../maps/map.ts';
import { neighbourKey, routeFor } from '../network.ts';
import type { SimEnv } from '../env.ts';
import { u32, type Helper } from './helper.ts';

/** struct bpf_fib_lookup. */
const F = { family: 0, tot_len: 6, ifindex: 8, rt_metric: 12, src: 16, dst: 32, smac: 52, dmac: 58, size: 64 } as const;
const AF_INET = 2;
const AF_INET6 = 10;
const ENODEV = 19;
const EAFNOSUPPORT = 97;
const FLAGS = 0x3f; // DIRECT OUTPUT SKIP_NEIGH TBID SRC MARK
const BPF_FIB_LOOKUP_OUTPUT = 2;
const BPF_FIB_LOOKUP_SKIP_NEIGH = 4;
export const FibResult = { SUCCESS: 0, BLACKHOLE: 1, UNREACHABLE: 2, PROHIBIT: 3, NOT_FWDED: 4, FWD_DISABLED: 5, UNSUPP_LWT: 6, NO_NEIGH: 7, FRAG_NEEDED: 8 } as const;

export const fibLookup: Helper = (env, _ctx, params, plen, flagsArg) => {
  const flags = u32(flagsArg);
  if (u32(plen) < F.size) return -errno.EINVAL;
  if (flags & ~FLAGS) return -errno.EINVAL;
  const dv = env.mem.dv;
  const family = env.mem.u8[params + F.family]!;
  const totLen = dv.getUint16(params + F.tot_len, true);
  const xdp = env.run.kind === 'xdp';
  const checkMtu = xdp || totLen !== 0;
  if (family !== AF_INET && family !== AF_INET6) return -EAFNOSUPPORT;
  const rc = lookup(env, params, family === AF_INET ? 4 : 16, flags, checkMtu, totLen);
  if (rc === FibResult.SUCCESS && !xdp && !checkMtu) {
    const dev = env.network.devices.get(dv.getUint32(params + F.ifindex, true))!;
    // is_skb_forwardable: the frame fits the egress device's MTU plus its link header (and a VLAN tag).
    const fits = env.run.dataEnd - env.run.data <= dev.mtu + 14 + 4;
    dv.setUint16(params + F.tot_len, dev.mtu, true);
    if (!fits) return FibResult.FRAG_NEEDED;
  }
  return rc;
};

function lookup(env: SimEnv, params: number, size: 4 | 16, flags: number, checkMtu: boolean, totLen: number): number {
  const net = env.network;
  const dv = env.mem.dv;
  const dev = net.devices.get(dv.getUint32(params + F.ifindex, true));
  if (!dev) return -ENODEV;
  if (!(flags & BPF_FIB_LOOKUP_OUTPUT) && !dev.forwarding) return FibResult.FWD_DISABLED;
  const dst = env.mem.bytes(params + F.dst, size);
  if (net.local.has(dst.join('.'))) return FibResult.NOT_FWDED;
  const route = routeFor(net, dst);
  if (!route) return FibResult.NOT_FWDED;
  if (route.type === 'blackhole') return FibResult.BLACKHOLE;
  if (route.type === 'unreachable') return FibResult.UNREACHABLE;
  if (route.type === 'prohibit') return FibResult.PROHIBIT;
  const out = net.devices.get(route.dev)!;
  if (checkMtu && totLen > out.mtu) {
    dv.setUint16(params + F.tot_len, out.mtu, true);
    return FibResult.FRAG_NEEDED;
  }
  dv.setUint32(params + F.rt_metric, 0, true);
  dv.setUint32(params + F.ifindex, out.ifindex, true);
  if (flags & BPF_FIB_LOOKUP_SKIP_NEIGH) {
    dv.setUint16(params + F.tot_len, checkMtu ? out.mtu : 0, true);
    return FibResult.SUCCESS;
  }
  if (route.via) env.mem.u8.set(route.via, params + F.dst);
  const mac = net.neighbours.get(neighbourKey(out.ifindex, route.via ?? dst));
  if (!mac) return FibResult.NO_NEIGH;
  env.mem.u8.set(mac, params + F.dmac);
  env.mem.u8.set(out.mac, params + F.smac);
  dv.setUint16(params + F.tot_len, checkMtu ? out.mtu : 0, true);
  return FibResult.SUCCESS;
}
