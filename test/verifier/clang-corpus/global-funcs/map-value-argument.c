// expect: accept
// why: a map value of at least the prototype's size may be passed for a pointer argument, even before its null check.
#include "../include/corpus.h"

struct pair { __u32 a, b; };
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 4);
  __type(key, __u32);
  __type(value, struct pair);
} pairs SEC(".maps");

__noinline int sum(struct pair *p) { return p ? p->a + p->b : 0; }

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 k = ctx->ingress_ifindex;
  return sum(bpf_map_lookup_elem(&pairs, &k)) ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
