// expect: reject: Expected an initialized dynptr as arg #2
// why: bpf_dynptr_read from a dynptr slot never initialized by a helper.
#include "../include/corpus.h"

SEC("tc") int peek(struct __sk_buff *skb) {
  struct bpf_dynptr d;
  __u64 out = 0;
  asm volatile("" : : "r"(&d) : "memory");
  bpf_dynptr_read(&out, sizeof(out), &d, 0, 0);
  return out > 5;
}
char LICENSE[] SEC("license") = "GPL";
