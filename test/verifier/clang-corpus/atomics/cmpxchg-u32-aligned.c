// expect: accept
// why: a 4-byte compare-and-exchange at map-value offset 12, 4-aligned.
#include "../include/value-atomic.h"

VALUE_ATOMIC_PROG(__u32, 12, __sync_val_compare_and_swap(p, 0, x))
