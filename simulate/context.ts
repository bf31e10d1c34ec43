// The context struct each program type receives, laid out at CTX_BASE as the uapi header
// declares it (struct xdp_md, __sk_buff, bpf_sock_addr, bpf_sock). Packet pointers in it are
// the simulator's addresses (32 bits, as the uapi fields are); helpers that move packet data
// rewrite them (syncPacketBounds), as the kernel's data pointers follow skb->data.

import { progTypes } from '../format/bpf-uapi.ts';
import { CTX_BASE } from './layout.ts';
import type { SimMemory } from './memory.ts';
import type { RunState } from './env.ts';

export type ContextKind = 'xdp' | 'skb' | 'sock_addr' | 'sock';

export function contextKindOf(progType: number): ContextKind | undefined {
  switch (progType) {
    case progTypes.xdp:
      return 'xdp';
    case progTypes.sched_cls:
    case progTypes.sched_act:
    case progTypes.cgroup_skb:
    case progTypes.socket_filter:
      return 'skb';
    case progTypes.cgroup_sock_addr:
      return 'sock_addr';
    case progTypes.cgroup_sock:
      return 'sock';
    default:
      return undefined;
  }
}

/** struct xdp_md. */
export const XDP_MD = { data: 0, data_end: 4, data_meta: 8, ingress_ifindex: 12, rx_queue_index: 16, egress_ifindex: 20, size: 24 } as const;

/** struct __sk_buff (the fields the simulator fills; the rest stay zero). */
export const SK_BUFF = {
  len: 0, pkt_type: 4, mark: 8, queue_mapping: 12, protocol: 16, vlan_present: 20, vlan_tci: 24, vlan_proto: 28,
  priority: 32, ingress_ifindex: 36, ifindex: 40, tc_index: 44, cb: 48, hash: 68, tc_classid: 72, data: 76,
  data_end: 80, napi_id: 84, family: 88, data_meta: 140, tstamp: 152, wire_len: 160, gso_segs: 164, gso_size: 176,
  size: 192,
} as const;

/** struct bpf_sock_addr. */
export const SOCK_ADDR = { user_family: 0, user_ip4: 4, user_ip6: 8, user_port: 24, family: 28, type: 32, protocol: 36, msg_src_ip4: 40, msg_src_ip6: 44, sk: 64, size: 72 } as const;

/** struct bpf_sock. */
export const SOCK = {
  bound_dev_if: 0, family: 4, type: 8, protocol: 12, mark: 16, priority: 20, src_ip4: 24, src_ip6: 28, src_port: 44,
  dst_port: 48, dst_ip4: 52, dst_ip6: 56, state: 72, rx_queue_mapping: 76, size: 80,
} as const;

/** The largest context struct (__sk_buff). */
const LARGEST_CONTEXT = 192;

/** Zeroes the context struct; returns its address. */
export function clearContext(mem: SimMemory): number {
  mem.u8.fill(0, CTX_BASE, CTX_BASE + LARGEST_CONTEXT);
  return CTX_BASE;
}

/** Writes the packet's bounds (and an skb's len) into the context after they moved. */
export function syncPacketBounds(mem: SimMemory, run: RunState): void {
  const dv = mem.dv;
  if (run.kind === 'xdp') {
    dv.setUint32(CTX_BASE + XDP_MD.data, run.data, true);
    dv.setUint32(CTX_BASE + XDP_MD.data_end, run.dataEnd, true);
    dv.setUint32(CTX_BASE + XDP_MD.data_meta, run.data, true);
  } else if (run.kind === 'skb') {
    dv.setUint32(CTX_BASE + SK_BUFF.data, run.data, true);
    dv.setUint32(CTX_BASE + SK_BUFF.data_end, run.dataEnd, true);
    dv.setUint32(CTX_BASE + SK_BUFF.data_meta, run.data, true);
    dv.setUint32(CTX_BASE + SK_BUFF.len, run.dataEnd - run.data, true);
  }
}

/** ETH_P_* of a frame as eth_type_trans derives skb->protocol (in network order, as the field holds it). */
export function ethProtocol(frame: Uint8Array): number {
  if (frame.length < 14) return 0;
  const type = (frame[12]! << 8) | frame[13]!;
  if (type >= 0x600) return type;
  // 802.3 length field: raw IPX (0xffff) is ETH_P_802_3, anything else 802.2 LLC.
  return frame.length >= 16 && frame[14] === 0xff && frame[15] === 0xff ? 0x0001 : 0x0004;
}

/** PACKET_HOST, BROADCAST, MULTICAST or OTHERHOST for a frame arriving on a device with `mac`. */
export function packetType(frame: Uint8Array, mac: readonly number[] | undefined): number {
  if (frame.length < 6) return 0;
  if ((frame[0]! & 1) !== 0) return frame.subarray(0, 6).every((b) => b === 0xff) ? 1 : 2;
  if (!mac) return 0;
  for (let i = 0; i < 6; i++) if (frame[i] !== mac[i]) return 3;
  return 0;
}
