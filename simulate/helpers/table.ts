// Every simulated helper by its kernel name (format/bpf-helpers.ts numbers them). A program
// that calls any other helper is refused when it is loaded, naming the helper.

import { helperId, helperName } from '../../format/bpf-helpers.ts';
import { csumDiff, l3CsumReplace, l4CsumReplace } from './checksum.ts';
import { fibLookup } from './fib.ts';
import type { Helper } from './helper.ts';
import { mapDelete, mapLookup, mapUpdate } from './maps.ts';
import { skbAdjustRoom, skbChangeHead, skbChangeTail, skbLoadBytes, skbPullData, skbStoreBytes, xdpAdjustHead, xdpAdjustTail } from './packet.ts';
import { redirect, redirectNeigh, redirectPeer } from './redirect.ts';
import { getNetnsCookie, getRetval, getSocketCookie, setRetval } from './socket.ts';
import { skStorageDelete, skStorageGet } from './sk-storage.ts';
import { getPrandomU32, getSmpProcessorId, jiffies64, ktimeGetNs } from './time.ts';

const byName: Record<string, Helper> = {
  map_lookup_elem: mapLookup,
  map_update_elem: mapUpdate,
  map_delete_elem: mapDelete,
  ktime_get_ns: ktimeGetNs,
  jiffies64,
  get_prandom_u32: getPrandomU32,
  get_smp_processor_id: getSmpProcessorId,
  skb_store_bytes: skbStoreBytes,
  skb_load_bytes: skbLoadBytes,
  skb_pull_data: skbPullData,
  skb_change_head: skbChangeHead,
  skb_change_tail: skbChangeTail,
  skb_adjust_room: skbAdjustRoom,
  xdp_adjust_head: xdpAdjustHead,
  xdp_adjust_tail: xdpAdjustTail,
  l3_csum_replace: l3CsumReplace,
  l4_csum_replace: l4CsumReplace,
  csum_diff: csumDiff,
  fib_lookup: fibLookup,
  redirect,
  redirect_peer: redirectPeer,
  redirect_neigh: redirectNeigh,
  get_socket_cookie: getSocketCookie,
  get_netns_cookie: getNetnsCookie,
  set_retval: setRetval,
  get_retval: getRetval,
  sk_storage_get: skStorageGet,
  sk_storage_delete: skStorageDelete,
};

export const helpers: ReadonlyMap<number, Helper> = new Map(Object.entries(byName).map(([n, h]) => [helperId(n), h]));

export class UnknownHelperError extends Error {
  constructor(program: string, id: number) {
    super(`program ${program}: calls ${helperName(id) ?? `helper ${id}`}, which the simulator does not implement`);
    this.name = 'UnknownHelperError';
  }
}
