// expect: reject: misaligned value access off 0+0+2 size 4
// why: a 4-byte fetch-and-add at map-value offset 2: atomics are checked for alignment even without strict alignment.
#include "../include/value-atomic.h"

VALUE_ATOMIC_PROG(__u32, 2, __sync_fetch_and_add(p, x))
