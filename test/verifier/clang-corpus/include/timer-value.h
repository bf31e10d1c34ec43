// For the timers family: an array map whose one value holds a counter and a bpf_timer at 8.
#pragma once
#include "corpus.h"

#define CLOCK_MONOTONIC 1
struct val { __u64 count; struct bpf_timer timer; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");

/** The map's one value, or NULL. */
static __always_inline struct val *first_val(void) {
  __u32 k = 0;
  return bpf_map_lookup_elem(&vals, &k);
}
