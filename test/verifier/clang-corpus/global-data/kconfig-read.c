// expect: accept
// why: a .kconfig extern is a value libbpf fills in at load: read-only, unknown to the object.
#include "../include/corpus.h"

extern __u32 LINUX_KERNEL_VERSION __kconfig;

SEC("xdp") int prog(struct xdp_md *ctx) { return LINUX_KERNEL_VERSION > 0x050a00 ? XDP_PASS : XDP_DROP; }
char LICENSE[] SEC("license") = "GPL";
