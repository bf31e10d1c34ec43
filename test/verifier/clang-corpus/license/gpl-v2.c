// expect: accept
// why: "GPL v2" is one of the kernel's GPL-compatible license strings.
#include "../include/corpus.h"

SEC("tc") int say(struct __sk_buff *skb) {
  char fmt[] = "mark %d\n";
  bpf_trace_printk(fmt, sizeof(fmt), skb->mark);
  return 0;
}
char LICENSE[] SEC("license") = "GPL v2";
