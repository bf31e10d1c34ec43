// expect: reject: unbounded memory access
// why: a global function's return is an unknown scalar to its caller, whatever its body returns.
#include "../include/corpus.h"

__u32 table[8];

__noinline int small(int x) { return x & 3; }

SEC("xdp") int prog(struct xdp_md *ctx) { return table[small(ctx->ingress_ifindex)] ? XDP_DROP : XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
