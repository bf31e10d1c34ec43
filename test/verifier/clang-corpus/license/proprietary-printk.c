// expect: reject: cannot call GPL-restricted function from non-GPL compatible program
// why: a "Proprietary" program calling bpf_trace_printk from tc.
#include "../include/corpus.h"

SEC("tc") int say(struct __sk_buff *skb) {
  char fmt[] = "len %d\n";
  bpf_trace_printk(fmt, sizeof(fmt), skb->len);
  return 0;
}
char LICENSE[] SEC("license") = "Proprietary";
