// expect: reject: misaligned value access off 0+0+1 size 4
// why: a 4-byte exchange at map-value offset 1.
#include "../include/value-atomic.h"

VALUE_ATOMIC_PROG(__u32, 1, __sync_lock_test_and_set(p, x))
