// expect: accept
// why: an 8-byte fetch-add at an aligned stack slot.
#include "../include/corpus.h"

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u64 slot = ctx->ingress_ifindex;
  __u64 old = __sync_fetch_and_add(&slot, 3);
  return (old + slot) & 1 ? XDP_PASS : XDP_DROP;
}
char LICENSE[] SEC("license") = "GPL";
