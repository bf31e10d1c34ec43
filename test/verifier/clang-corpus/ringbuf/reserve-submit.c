// expect: accept
// why: a ring buffer record reserved, null-checked, filled and submitted.
#include "../include/corpus.h"

struct event { __u32 ifindex; __u32 len; };
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

SEC("xdp") int report(struct xdp_md *ctx) {
  struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) return XDP_PASS;
  e->ifindex = ctx->ingress_ifindex;
  e->len = ctx->data_end - ctx->data;
  if (e->len > 1500) {
    bpf_ringbuf_discard(e, 0);
    return XDP_DROP;
  }
  bpf_ringbuf_submit(e, 0);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
