// expect: accept
// why: a variable index scaled by 8 keeps an 8-byte atomic aligned.
#include "../include/corpus.h"

__u64 slots[8];

SEC("xdp") int prog(struct xdp_md *ctx) {
  __sync_fetch_and_add(&slots[ctx->ingress_ifindex & 7], 1);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
