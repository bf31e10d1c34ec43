// expect: accept
// why: an 8-byte fetch-or at map-value offset 16.
#include "../include/value-atomic.h"

VALUE_ATOMIC_PROG(__u64, 16, __atomic_fetch_or(p, x, __ATOMIC_SEQ_CST))
