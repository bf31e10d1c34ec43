// expect: reject: invalid access to packet
// why: a packet pointer checked for fewer bytes than the prototype's size may not be passed.
#include "../include/corpus.h"

struct hdr { __u8 b[8]; };

__noinline int first(struct hdr *h) { return h ? h->b[0] : 0; }

SEC("tc") int prog(struct __sk_buff *skb) {
  void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
  if (data + 4 > end) return 0;
  return first(data) ? 2 : 0;
}
char LICENSE[] SEC("license") = "GPL";
