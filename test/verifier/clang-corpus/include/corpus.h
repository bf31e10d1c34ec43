// Shared declarations for the clang corpus: the system's libbpf headers (libbpf-dev) give the
// helper prototypes, SEC() and the map macros; this file adds only what every program repeats.
#pragma once
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#define NOINLINE static __attribute__((noinline))
