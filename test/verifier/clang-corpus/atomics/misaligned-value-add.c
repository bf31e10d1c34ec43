// expect: reject: misaligned value access
// why: the kernel checks atomics for alignment even without strict alignment: an 8-byte add at map-value offset 4 is refused.
#include "../include/corpus.h"

struct counters { __u32 pad; __u64 hits; } __attribute__((packed));
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct counters);
} stats SEC(".maps");

SEC("xdp") int prog(struct xdp_md *ctx) {
  __u32 k = 0;
  struct counters *c = bpf_map_lookup_elem(&stats, &k);
  if (!c) return XDP_PASS;
  __sync_fetch_and_add(&c->hits, 1);
  return XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
