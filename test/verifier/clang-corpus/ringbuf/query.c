// expect: accept
// why: bpf_ringbuf_query reads the ring's fill level, no reservation involved.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } events SEC(".maps");

SEC("xdp") int report(struct xdp_md *ctx) { return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) > 2048 ? XDP_DROP : XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
