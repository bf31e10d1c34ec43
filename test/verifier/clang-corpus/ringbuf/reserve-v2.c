// expect: accept
// cflags: -mcpu=v2
// why: reserve, fill from the packet's metadata, submit: built for -mcpu=v2.
#include "../include/corpus.h"

struct event { __u32 ifindex, queue; __u64 len; };
struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

SEC("xdp") int report(struct xdp_md *ctx) {
  struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) return XDP_PASS;
  e->ifindex = ctx->ingress_ifindex;
  e->queue = ctx->rx_queue_index;
  e->len = ctx->data_end - ctx->data;
  bpf_ringbuf_submit(e, 0);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
