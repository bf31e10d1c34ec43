// expect: accept
// why: bpf_ktime_get_ns is not GPL-only: a BSD program may call it.
#include "../include/corpus.h"

SEC("xdp") int prog(struct xdp_md *ctx) { return bpf_ktime_get_ns() & 1 ? XDP_PASS : XDP_DROP; }
char LICENSE[] SEC("license") = "BSD";
