// expect: accept
// why: a lock in global data (.bss) guarding a global counter.
#include "../include/corpus.h"

struct bpf_spin_lock glock;
__u64 count;

SEC("tc") int bump(struct __sk_buff *skb) {
  bpf_spin_lock(&glock);
  count++;
  bpf_spin_unlock(&glock);
  return 0;
}
char LICENSE[] SEC("license") = "GPL";
