// expect: reject: min value is outside of the allowed memory range
// why: libbpf fills .kconfig in and freezes it, so the kernel knows the value; a compile-time verifier cannot, and this one is past the table either way.
#include "../include/corpus.h"

extern __u32 LINUX_KERNEL_VERSION __kconfig;
__u32 table[8];

SEC("xdp") int prog(struct xdp_md *ctx) { return table[LINUX_KERNEL_VERSION] ? XDP_DROP : XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
