// expect: reject: misaligned value access off 0+0+20 size 8
// why: an 8-byte fetch-and at map-value offset 20.
#include "../include/value-atomic.h"

VALUE_ATOMIC_PROG(__u64, 20, __atomic_fetch_and(p, x, __ATOMIC_SEQ_CST))
