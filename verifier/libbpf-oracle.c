// The kernel as the oracle, loaded the way a user's libbpf program loads an object: BTF and
// .BTF.ext (func_info, line_info), global data maps with .rodata frozen, the object's license,
// libbpf's own subprogram linking and relocations. verifier/libbpf-oracle.ts builds and runs it.
//
// usage: libbpf-oracle [--strict] [--stats] [--type NAME=PROG_TYPE:ATTACH_TYPE]... OBJECT
// --stats loads with log level 4 only (statistics, no per-instruction log): the kernel's own
// speed, for the bench; level 1 logging costs it more than the verification itself.
// --type gives a program's types where this libbpf does not know its section name (an older
// libbpf than the object's author used: Debian 12's predates tcx/); libbpf's own choice wins.
// Each program is loaded on its own (a fresh open with every other program's autoload off), so
// one refusal never hides another program's verdict. One JSON line per program on stdout:
//   {"name":..,"section":..,"verdict":"accept"|"reject"|"error","errno":"EACCES"|"",
//    "log":<verifier log>,"libbpf":<libbpf's own messages>}
// "error" means the load failed before the verifier spoke (no log): a relocation, a map.
// Exit status: 0 when every program was loaded or refused, 2 when the object cannot be opened.

#define _GNU_SOURCE
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The kernel's BPF_F_STRICT_ALIGNMENT, as in the uapi header.
#ifndef BPF_F_STRICT_ALIGNMENT
#define BPF_F_STRICT_ALIGNMENT (1U << 0)
#endif

#define LOG_SIZE (16u << 20)
#define LIBBPF_MSG_SIZE (64u << 10)

static char libbpf_msgs[LIBBPF_MSG_SIZE];
static size_t libbpf_len;

// libbpf's warnings (why a relocation or map failed) go into the program's JSON line.
static int capture_print(enum libbpf_print_level level, const char *fmt, va_list ap) {
  if (level == LIBBPF_DEBUG || libbpf_len + 1 >= LIBBPF_MSG_SIZE) return 0;
  int n = vsnprintf(libbpf_msgs + libbpf_len, LIBBPF_MSG_SIZE - libbpf_len, fmt, ap);
  if (n > 0) libbpf_len += (size_t)n < LIBBPF_MSG_SIZE - libbpf_len ? (size_t)n : LIBBPF_MSG_SIZE - libbpf_len - 1;
  return 0;
}

static void json_string(const char *s) {
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
      case '"': fputs("\\\"", stdout); break;
      case '\\': fputs("\\\\", stdout); break;
      case '\n': fputs("\\n", stdout); break;
      case '\t': fputs("\\t", stdout); break;
      default:
        if (*p < 0x20 || *p >= 0x7f) printf("\\u%04x", *p);
        else putchar(*p);
    }
  }
  putchar('"');
}

static const char *errno_name(int err) {
  if (err == 0) return "";
  const char *name = strerrorname_np(err);
  return name ? name : "EUNKNOWN";
}

struct verdict {
  int err;          // positive errno, 0 when loaded
  int verifier_ran; // the verifier wrote a log
};

// Opens the object afresh and loads only the program at `index` (in libbpf's order).
struct type_hint {
  const char *name;
  unsigned prog_type, attach_type;
};
static struct type_hint hints[256];
static int nhints;

static void apply_hint(struct bpf_program *prog) {
  if (bpf_program__type(prog) != BPF_PROG_TYPE_UNSPEC) return;
  for (int h = 0; h < nhints; h++) {
    if (strcmp(hints[h].name, bpf_program__name(prog)) != 0) continue;
    bpf_program__set_type(prog, hints[h].prog_type);
    bpf_program__set_expected_attach_type(prog, hints[h].attach_type);
  }
}

static int load_one(const char *path, int index, int strict, unsigned log_level, char *log,
                    struct verdict *out, char *name, char *section, size_t cap) {
  struct bpf_object *obj = bpf_object__open_file(path, NULL);
  if (!obj) return -errno;
  struct bpf_program *prog, *target = NULL;
  int i = 0;
  bpf_object__for_each_program(prog, obj) {
    int mine = i++ == index;
    bpf_program__set_autoload(prog, mine);
    if (!mine) continue;
    target = prog;
    apply_hint(prog);
    log[0] = '\0';
    bpf_program__set_log_buf(prog, log, LOG_SIZE);
    bpf_program__set_log_level(prog, log_level);
    if (strict) bpf_program__set_flags(prog, bpf_program__flags(prog) | BPF_F_STRICT_ALIGNMENT);
  }
  if (!target) {
    bpf_object__close(obj);
    return -ENOENT;
  }
  snprintf(name, cap, "%s", bpf_program__name(target));
  snprintf(section, cap, "%s", bpf_program__section_name(target));
  int err = bpf_object__load(obj);
  out->err = err < 0 ? -err : 0;
  out->verifier_ran = log[0] != '\0';
  bpf_object__close(obj);
  return 0;
}

static int count_programs(const char *path) {
  struct bpf_object *obj = bpf_object__open_file(path, NULL);
  if (!obj) return -errno;
  struct bpf_program *prog;
  int n = 0;
  bpf_object__for_each_program(prog, obj) n++;
  bpf_object__close(obj);
  return n;
}

int main(int argc, char **argv) {
  int strict = 0;
  unsigned log_level = 1 | 4;
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--strict") == 0) {
      strict = 1;
    } else if (strcmp(argv[i], "--stats") == 0) {
      log_level = 4;
    } else if (strcmp(argv[i], "--type") == 0 && i + 1 < argc && nhints < 256) {
      char *spec = argv[++i], *eq = strchr(spec, '=');
      if (!eq || sscanf(eq + 1, "%u:%u", &hints[nhints].prog_type, &hints[nhints].attach_type) != 2) {
        fprintf(stderr, "libbpf-oracle: --type %s: expected NAME=PROG_TYPE:ATTACH_TYPE\n", spec);
        return 2;
      }
      *eq = '\0';
      hints[nhints++].name = spec;
    } else {
      path = argv[i];
    }
  }
  if (!path) {
    fprintf(stderr, "usage: libbpf-oracle [--strict] [--stats] [--type NAME=PROG_TYPE:ATTACH_TYPE]... OBJECT\n");
    return 2;
  }
  libbpf_set_print(capture_print);
  int n = count_programs(path);
  if (n < 0) {
    fprintf(stderr, "libbpf-oracle: open %s: %s\n%s", path, strerror(-n), libbpf_msgs);
    return 2;
  }
  char *log = malloc(LOG_SIZE), *quiet = malloc(LOG_SIZE);
  if (!log || !quiet) return 2;
  char name[256], section[256];
  for (int i = 0; i < n; i++) {
    libbpf_len = 0;
    libbpf_msgs[0] = '\0';
    struct verdict v = {0};
    // Level 1 logs every instruction; 4 adds the statistics (processed insns, time).
    int err = load_one(path, i, strict, log_level, log, &v, name, section, sizeof name);
    if (err == 0 && v.err == ENOSPC && log_level != 4) {
      // The log overflowed (long loops log every branch): the verdict comes from a quiet load,
      // the first log's text stays for the reason.
      struct verdict q = {0};
      if (load_one(path, i, strict, 4, quiet, &q, name, section, sizeof name) == 0) {
        v.err = q.err;
        v.verifier_ran = v.verifier_ran || q.verifier_ran;
      }
    }
    if (err < 0) {
      name[0] = section[0] = '\0';
      v.err = -err;
    }
    const char *verdict = v.err == 0 ? "accept" : v.verifier_ran ? "reject" : "error";
    fputs("{\"name\":", stdout);
    json_string(name);
    fputs(",\"section\":", stdout);
    json_string(section);
    printf(",\"verdict\":\"%s\",\"errno\":\"%s\",\"log\":", verdict, errno_name(v.err));
    json_string(log);
    fputs(",\"libbpf\":", stdout);
    json_string(libbpf_msgs);
    fputs("}\n", stdout);
    fflush(stdout);
  }
  free(log);
  free(quiet);
  return 0;
}
