// expect: reject: invalid mem access 'scalar'
// why: once submitted the record belongs to the reader: every copy of its pointer is gone.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

SEC("xdp") int report(struct xdp_md *ctx) {
  volatile __u32 *e = bpf_ringbuf_reserve(&events, 4, 0);
  if (!e) return XDP_PASS;
  *e = 1;
  bpf_ringbuf_submit((void *)e, 0);
  return *e;
}
char LICENSE[] SEC("license") = "GPL";
