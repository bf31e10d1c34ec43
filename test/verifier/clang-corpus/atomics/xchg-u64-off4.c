// expect: reject: misaligned value access off 0+0+4 size 8
// why: an 8-byte exchange at map-value offset 4.
#include "../include/value-atomic.h"

VALUE_ATOMIC_PROG(__u64, 4, __sync_lock_test_and_set(p, x))
