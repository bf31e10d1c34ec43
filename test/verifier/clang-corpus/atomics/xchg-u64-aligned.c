// expect: accept
// why: an 8-byte exchange (BPF_XCHG) at map-value offset 8.
#include "../include/value-atomic.h"

VALUE_ATOMIC_PROG(__u64, 8, __sync_lock_test_and_set(p, x))
