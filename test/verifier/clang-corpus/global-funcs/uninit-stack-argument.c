// expect: accept
// why: the caller passes a pointer to stack it never wrote: a privileged load (CAP_PERFMON) may read uninitialized stack, global function arguments included.
#include "../include/corpus.h"

struct pair { __u32 a, b; };
__noinline int total(struct pair *p) { return p ? p->a + p->b : 0; }

SEC("xdp") int prog(struct xdp_md *ctx) {
  struct pair p;
  asm volatile("" : : "r"(&p) : "memory");
  return total(&p) ? XDP_DROP : XDP_PASS;
}
char LICENSE[] SEC("license") = "GPL";
