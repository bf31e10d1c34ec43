// expect: reject: write into map forbidden
// why: .kconfig is frozen by libbpf like .rodata, so a store into an extern refused.
#include "../include/corpus.h"

extern __u32 LINUX_KERNEL_VERSION __kconfig;

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 *p = &LINUX_KERNEL_VERSION, z = 0;
  asm volatile("*(u32 *)(%0 + 0) = %1" : : "r"(p), "r"(z) : "memory");
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
