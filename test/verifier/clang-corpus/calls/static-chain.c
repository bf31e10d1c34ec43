// expect: accept
// why: main calls a, a calls c, all static: clang emits the a -> c call inside .text with no relocation, and libbpf links it by its pc-relative offset.
#include "../include/corpus.h"

NOINLINE int c(int x) { return x & 1; }
NOINLINE int a(int x) { return c(x + 1) * 2; }

SEC("xdp") int chain(struct xdp_md *ctx) { return a(ctx->ingress_ifindex) == 2 ? XDP_PASS : XDP_DROP; }
char LICENSE[] SEC("license") = "GPL";
