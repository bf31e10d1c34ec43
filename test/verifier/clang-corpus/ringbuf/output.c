// expect: accept
// why: bpf_ringbuf_output copies a stack record into the ring buffer.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

SEC("xdp") int report(struct xdp_md *ctx) {
  __u64 rec = ctx->ingress_ifindex;
  bpf_ringbuf_output(&events, &rec, sizeof(rec), 0);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
