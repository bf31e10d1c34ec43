// expect: accept
// why: a record reserved and always discarded: discard releases the reference as submit does.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

SEC("xdp") int report(struct xdp_md *ctx) {
  __u64 *e = bpf_ringbuf_reserve(&events, 8, 0);
  if (!e) return XDP_PASS;
  *e = ctx->ingress_ifindex;
  bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
