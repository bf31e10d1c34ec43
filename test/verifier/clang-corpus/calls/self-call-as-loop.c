// expect: accept
// why: a static function written as recursion: clang turns the tail call into a loop bounded by the mask, which the kernel walks.
#include "../include/corpus.h"

NOINLINE int down(int x) { return x <= 0 ? 0 : down(x - 1) + 1; }

SEC("xdp") int prog(struct xdp_md *ctx) { return down(ctx->ingress_ifindex & 7) ? XDP_PASS : XDP_DROP; }
char LICENSE[] SEC("license") = "GPL";
