// expect: reject: expected=ringbuf_mem
// why: the same record submitted twice: after the first submit the pointer is no longer a reference.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

SEC("xdp") int report(struct xdp_md *ctx) {
  __u64 *e = bpf_ringbuf_reserve(&events, 8, 0);
  if (!e) return XDP_PASS;
  *e = 1;
  bpf_ringbuf_submit(e, 0);
  asm volatile("" : "+r"(e));
  bpf_ringbuf_submit(e, 0);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
