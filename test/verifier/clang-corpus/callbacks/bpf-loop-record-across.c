// expect: accept
// why: the caller holds a ring buffer record across bpf_loop and submits it after: a reference held by the caller survives the callback.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

static long tick(__u32 i, void *ctx) {
  *(__u32 *)ctx += i;
  return 0;
}

SEC("xdp") int loop(struct xdp_md *ctx) {
  __u32 *e = bpf_ringbuf_reserve(&events, 4, 0), n = 0;
  if (!e) return XDP_PASS;
  bpf_loop(4, tick, &n, 0);
  *e = n;
  bpf_ringbuf_submit(e, 0);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
