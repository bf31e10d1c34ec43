// expect: accept
// why: "Dual BSD/GPL" is GPL-compatible, so the GPL-only bpf_trace_printk is allowed.
#include "../include/corpus.h"

SEC("tc") int say(struct __sk_buff *skb) {
  char fmt[] = "len %d\n";
  bpf_trace_printk(fmt, sizeof(fmt), skb->len);
  return 0;
}
char LICENSE[] SEC("license") = "Dual BSD/GPL";
