// expect: reject: misaligned value access off 0+0+12 size 8
// why: an 8-byte compare-and-exchange (BPF_CMPXCHG) at map-value offset 12.
#include "../include/value-atomic.h"

VALUE_ATOMIC_PROG(__u64, 12, __sync_val_compare_and_swap(p, 0, x))
