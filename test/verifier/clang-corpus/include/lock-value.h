// For the spin-lock family: an array map of four values, each a bpf_spin_lock at 0 and the
// counters it guards.
#pragma once
#include "corpus.h"

struct val { struct bpf_spin_lock lock; __u32 count; __u64 sum; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, struct val); } vals SEC(".maps");
