// expect: accept
// why: a known .rodata value used as a constant offset into a map value stays in bounds.
#include "../include/corpus.h"

const volatile __u32 field = 3;
__u32 table[4];

SEC("xdp") int prog(struct xdp_md *ctx) { return table[field] ? XDP_DROP : XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
