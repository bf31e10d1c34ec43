// expect: accept
// why: a packet pointer with the prototype's size checked against data_end may be passed for a pointer argument.
#include "../include/corpus.h"

struct hdr { __u8 b[4]; };

__noinline int first(struct hdr *h) { return h ? h->b[0] : 0; }

SEC("tc") int prog(struct __sk_buff *skb) {
  void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
  if (data + sizeof(struct hdr) > end) return 0;
  return first(data) ? 2 : 0;
}
char LICENSE[] SEC("license") = "GPL";
