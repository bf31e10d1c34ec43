// expect: reject: misaligned value access off 0+0+2 size 4
// cflags: -mcpu=v4
// why: a 4-byte fetch-and-sub (a negated fetch-add) at map-value offset 2, built for -mcpu=v4.
#include "../include/value-atomic.h"

VALUE_ATOMIC_PROG(__u32, 2, __sync_fetch_and_sub(p, x))
