// expect: reject: invalid mem access 'scalar'
// why: a write through the record pointer after discarding it: released memory is no longer the program's.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

SEC("xdp") int report(struct xdp_md *ctx) {
  __u64 *e = bpf_ringbuf_reserve(&events, 8, 0);
  if (!e) return XDP_PASS;
  bpf_ringbuf_discard(e, 0);
  asm volatile("" : "+r"(e));
  *(volatile __u64 *)e = 1;
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
