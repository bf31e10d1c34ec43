// expect: accept
// why: bpf_loop with a static callback that sums into a stack context the caller passed.
#include "../include/corpus.h"

struct sum { __u64 total; };

static long add(__u32 i, void *ctx) {
  struct sum *s = ctx;
  s->total += i;
  return s->total > 1000;
}

SEC("xdp") int loop(struct xdp_md *ctx) {
  struct sum s = { 0 };
  bpf_loop(64, add, &s, 0);
  return s.total & 1 ? XDP_PASS : XDP_DROP;
}
char LICENSE[] SEC("license") = "GPL";
