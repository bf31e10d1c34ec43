// expect: reject: would lead to reference leak
// why: a bpf_loop callback reserves a ring buffer record and returns without submitting it: the reference leaks out of the callback.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

static long emit(__u32 i, void *ctx) {
  __u32 *e = bpf_ringbuf_reserve(&events, 4, 0);
  if (!e) return 1;
  *e = i;
  return 0;
}

SEC("xdp") int loop(struct xdp_md *ctx) {
  bpf_loop(4, emit, 0, 0);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
