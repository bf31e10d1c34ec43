// expect: reject: invalid access to memory
// why: the record is 4 bytes; writing a fifth is outside it.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

SEC("xdp") int report(struct xdp_md *ctx) {
  __u8 *e = bpf_ringbuf_reserve(&events, 4, 0);
  if (!e) return XDP_PASS;
  ((volatile __u8 *)e)[4] = 1;
  bpf_ringbuf_submit(e, 0);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
