// expect: reject: misaligned value access
// why: a variable offset that may be 4 mod 8 leaves an 8-byte atomic possibly misaligned.
#include "../include/corpus.h"

__u64 slots[8];

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 i = ctx->ingress_ifindex & 7;
  __u64 *p = (__u64 *)((char *)slots + i * 4);
  __sync_fetch_and_add(p, 1);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
