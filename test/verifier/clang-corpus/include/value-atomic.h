// For the atomics family: one program that looks up the single 32-byte value of an array map
// and runs one atomic expression on a `TYPE *p` at byte OFF of it (x: the ingress ifindex), so
// that each file pins exactly one width, operation and offset.
#pragma once
#include "corpus.h"

struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, __u64[4]); } vals SEC(".maps");

#define VALUE_ATOMIC_PROG(TYPE, OFF, EXPR)                  \
  SEC("xdp") int prog(struct xdp_md *ctx) {                 \
    __u32 k = 0;                                            \
    __u64 *v = bpf_map_lookup_elem(&vals, &k);              \
    if (!v) return XDP_PASS;                                \
    TYPE x = ctx->ingress_ifindex;                          \
    TYPE *p = (TYPE *)((char *)v + (OFF));                  \
    TYPE old = EXPR;                                        \
    return old & 1 ? XDP_PASS : XDP_DROP;                   \
  }                                                         \
  char LICENSE[] SEC("license") = "GPL";
