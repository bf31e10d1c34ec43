// expect: reject: must have zero offset when passed to release func
// why: the record submitted through a pointer advanced into it, not the one reserve returned.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

SEC("xdp") int report(struct xdp_md *ctx) {
  char *e = bpf_ringbuf_reserve(&events, 16, 0);
  if (!e) return XDP_PASS;
  e[0] = 1;
  bpf_ringbuf_submit(e + 8, 0);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
