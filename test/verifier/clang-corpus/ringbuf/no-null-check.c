// expect: reject: invalid mem access 'ringbuf_mem_or_null'
// why: a reservation can fail; its pointer must be checked before use.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

SEC("xdp") int report(struct xdp_md *ctx) {
  __u32 *e = bpf_ringbuf_reserve(&events, 4, 0);
  *e = 1;
  bpf_ringbuf_submit(e, 0);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
