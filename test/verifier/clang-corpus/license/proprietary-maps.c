// expect: accept
// why: a non-GPL program using only helpers that are not GPL-only (map lookup and update).
#include "../include/corpus.h"

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 64); __type(key, __u32); __type(value, __u64); } hits SEC(".maps");

SEC("xdp") int count(struct xdp_md *ctx) {
  __u32 k = ctx->ingress_ifindex;
  __u64 one = 1, *v = bpf_map_lookup_elem(&hits, &k);
  if (v) __sync_fetch_and_add(v, 1);
  else bpf_map_update_elem(&hits, &k, &one, BPF_NOEXIST);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "Proprietary";
