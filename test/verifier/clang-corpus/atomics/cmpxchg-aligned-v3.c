// expect: accept
// why: compare-and-exchange on an aligned .bss word (-mcpu=v3 atomics with fetch).
#include "../include/corpus.h"

__u32 owner;

SEC("xdp") int prog(struct xdp_md *ctx) {
  return __sync_val_compare_and_swap(&owner, 0, ctx->ingress_ifindex) ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
