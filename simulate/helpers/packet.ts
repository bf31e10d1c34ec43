// Helpers that read, write or move packet data: bpf_skb_store_bytes, bpf_skb_load_bytes,
// bpf_skb_pull_data, bpf_skb_change_head, bpf_skb_change_tail, bpf_skb_adjust_room, bpf_xdp_adjust_head and
// bpf_xdp_adjust_tail. The frame sits at data..data_end in the packet region with
// PACKET_HEADROOM bytes of zeroed headroom before it, as BPF_PROG_TEST_RUN lays it out; the
// limits are the kernel's for a test run on a device of MTU 1500 (the skb's maximum length is
// MTU + Ethernet header; an XDP frame lives in one 4096-byte page with the skb_shared_info at
// its end).

import { syncPacketBounds } from '../context.ts';
import { PACKET_END, PACKET_REGION } from '../layout.ts';
import { errno } from '../maps/map.ts';
import type { SimEnv } from '../env.ts';
import { s32, u32, type Helper } from './helper.ts';

const ETH_HLEN = 14;
const ETH_P_IP = 0x0800;
const ETH_P_IPV6 = 0x86dd;
/** sizeof(struct xdp_frame), kept at the start of an XDP buffer's headroom. */
const XDP_FRAME_SIZE = 40;
/** SKB_DATA_ALIGN(sizeof(struct skb_shared_info)) on x86_64. */
const SKB_SHARED_INFO = 320;
const XDP_FRAME_SZ = 4096;
const ENOMEM = 12;

const length = (env: SimEnv): number => env.run.dataEnd - env.run.data;

/** The frame's EtherType (skb->protocol as eth_type_trans set it). */
const protocol = (env: SimEnv): number => (env.mem.u8[env.run.data + 12]! << 8) | env.mem.u8[env.run.data + 13]!;

export const skbStoreBytes: Helper = (env, _skb, offset, from, len, flags) => {
  if (flags & ~3) return -errno.EINVAL;
  const off = u32(offset);
  const n = u32(len);
  if (off > 0xffff || off + n > length(env)) return -errno.EFAULT;
  env.mem.u8.copyWithin(env.run.data + off, from, from + n);
  return 0;
};

export const skbLoadBytes: Helper = (env, _skb, offset, to, len) => {
  const off = u32(offset);
  const n = u32(len);
  if (off > 0xffff || off + n > length(env)) {
    env.mem.u8.fill(0, to, to + n);
    return -errno.EFAULT;
  }
  env.mem.u8.copyWithin(to, env.run.data + off, env.run.data + off + n);
  return 0;
};

export const skbPullData: Helper = (env, _skb, len) => (u32(len) > length(env) ? -ENOMEM : 0);

/** Moves the bytes [data, data+off) by `delta` (negative: towards the headroom) and fixes the bounds. */
function moveHead(env: SimEnv, off: number, delta: number): void {
  const { data } = env.run;
  env.mem.u8.copyWithin(data + delta, data, data + off);
  env.run.data += delta;
  syncPacketBounds(env.mem, env.run);
}

export const skbChangeHead: Helper = (env, _skb, headRoom, flags) => {
  const room = u32(headRoom);
  if (flags !== 0) return -errno.EINVAL;
  if (length(env) + room > 1500 + ETH_HLEN || env.run.data - room < PACKET_REGION) return -errno.ENOTSUPP;
  env.run.data -= room;
  env.mem.u8.fill(0, env.run.data, env.run.data + room);
  syncPacketBounds(env.mem, env.run);
  return 0;
};

/**
 * A test run's skb is CHECKSUM_NONE with no transport header set: the network header is the
 * shortest length allowed; new bytes at the end are zeroed.
 */
export const skbChangeTail: Helper = (env, _skb, newLen, flags) => {
  const len = u32(newLen);
  if (flags !== 0 || len > 1500 + ETH_HLEN || len < ETH_HLEN) return -errno.EINVAL;
  const end = env.run.data + len;
  if (end > PACKET_END) return -ENOMEM;
  if (end > env.run.dataEnd) env.mem.u8.fill(0, env.run.dataEnd, end);
  env.run.dataEnd = end;
  syncPacketBounds(env.mem, env.run);
  return 0;
};

export const skbAdjustRoom: Helper = (env, _skb, lenDiff, mode, flags) => {
  const diff = s32(lenDiff);
  const abs = Math.abs(diff);
  if (flags !== 0) return -errno.EINVAL; // encapsulation flags are not simulated
  if (abs > 0xfff) return -errno.EFAULT;
  const proto = protocol(env);
  if (proto !== ETH_P_IP && proto !== ETH_P_IPV6) return -errno.ENOTSUPP;
  const base = proto === ETH_P_IP ? 20 : 40;
  let off = ETH_HLEN;
  if (u32(mode) === 0) off += base;
  else if (u32(mode) !== 1) return -errno.ENOTSUPP;
  const lenCur = length(env) - ETH_HLEN;
  if (diff < 0 && (abs >= lenCur || lenCur - abs < base)) return -errno.ENOTSUPP;
  if (diff > 0 && length(env) + abs > 1500 + ETH_HLEN) return -errno.ENOTSUPP;
  if (diff > 0) {
    if (env.run.data - abs < PACKET_REGION) return -ENOMEM;
    moveHead(env, off, -abs);
    env.mem.u8.fill(0, env.run.data + off, env.run.data + off + abs);
  } else if (diff < 0) {
    // The headers before `off` move up over the removed bytes.
    const { data } = env.run;
    env.mem.u8.copyWithin(data + abs, data, data + off);
    env.run.data += abs;
    syncPacketBounds(env.mem, env.run);
  }
  return 0;
};

export const xdpAdjustHead: Helper = (env, _xdp, offset) => {
  const delta = s32(offset);
  const data = env.run.data + delta;
  if (data < PACKET_REGION + XDP_FRAME_SIZE || data > env.run.dataEnd - ETH_HLEN) return -errno.EINVAL;
  env.run.data = data;
  syncPacketBounds(env.mem, env.run);
  return 0;
};

export const xdpAdjustTail: Helper = (env, _xdp, offset) => {
  const delta = s32(offset);
  const end = env.run.dataEnd + delta;
  const hardEnd = Math.min(PACKET_REGION + XDP_FRAME_SZ - SKB_SHARED_INFO, PACKET_END);
  if (end > hardEnd) return -errno.EINVAL;
  if (end < env.run.data + ETH_HLEN) return -errno.EINVAL;
  if (delta > 0) env.mem.u8.fill(0, env.run.dataEnd, end);
  env.run.dataEnd = end;
  syncPacketBounds(env.mem, env.run);
  return 0;
};
