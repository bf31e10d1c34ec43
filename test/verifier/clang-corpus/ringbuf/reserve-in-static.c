// expect: accept
// why: a static function reserves and submits; the reference lives and dies within the callee frame.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

NOINLINE int emit(__u32 v) {
  __u32 *e = bpf_ringbuf_reserve(&events, 4, 0);
  if (!e) return 0;
  *e = v;
  bpf_ringbuf_submit(e, 0);
  return 1;
}

SEC("xdp") int report(struct xdp_md *ctx) { return emit(ctx->ingress_ifindex) ? XDP_PASS : XDP_DROP; }
char LICENSE[] SEC("license") = "GPL";
