// expect: accept
// why: a global function that does its own map lookup with a key it built, checking the result.
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u32); __type(value, __u64); } hits SEC(".maps");

__noinline int count(__u32 key) {
  __u64 *v = bpf_map_lookup_elem(&hits, &key);
  if (!v) return 0;
  __sync_fetch_and_add(v, 1);
  return 1;
}

SEC("xdp") int prog(struct xdp_md *ctx) { return count(ctx->ingress_ifindex) ? XDP_PASS : XDP_DROP; }
char LICENSE[] SEC("license") = "GPL";
