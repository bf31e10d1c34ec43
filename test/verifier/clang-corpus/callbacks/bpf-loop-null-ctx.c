// expect: reject: invalid mem access 'scalar'
// why: the context was NULL, and the callback reads through it.
#include "../include/corpus.h"

static long peek(__u32 i, void *ctx) { return *(volatile __u64 *)ctx & 1; }

SEC("xdp") int loop(struct xdp_md *ctx) {
  bpf_loop(4, peek, 0, 0);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
