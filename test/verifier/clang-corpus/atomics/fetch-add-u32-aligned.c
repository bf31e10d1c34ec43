// expect: accept
// why: a 4-byte fetch-and-add (BPF_FETCH) at map-value offset 4.
#include "../include/value-atomic.h"

VALUE_ATOMIC_PROG(__u32, 4, __sync_fetch_and_add(p, x))
