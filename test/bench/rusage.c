/*
 * Runs a command and reports what it cost, for the benches that measure the user's path
 * (test/bench/child-usage.ts): wall time, user and system CPU time (from wait4's rusage, so every
 * thread of the child and every child it waited for counts, in microseconds: /usr/bin/time and
 * /proc/<pid>/stat only give clock ticks of 10 ms, too coarse for a partial sync) and peak RSS.
 *
 *   rusage OUT LIMIT COMMAND [ARG...]
 *       writes "wall_us user_us sys_us maxrss_kib stopped" to OUT; stdin, stdout and stderr are
 *       the command's; exits with its status. A command that uses LIMIT seconds of CPU time
 *       (0: no limit; RLIMIT_CPU, so a loaded machine does not stop it sooner) is stopped by the
 *       kernel and stopped is 1: the CPU time it used still counts, as a lower bound.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long us(struct timeval tv) { return (long long)tv.tv_sec * 1000000 + tv.tv_usec; }

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: rusage OUT LIMIT COMMAND [ARG...]\n");
    return 2;
  }
  rlim_t limit = (rlim_t)atoi(argv[2]);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t child = fork();
  if (child == 0) {
    /* SIGXCPU at the soft limit ends the command; SIGKILL a second later if it ignores that. */
    struct rlimit cpu = {limit, limit + 1};
    if (limit && setrlimit(RLIMIT_CPU, &cpu)) perror("setrlimit");
    execvp(argv[3], argv + 3);
    perror(argv[3]);
    _exit(127);
  }
  int status;
  struct rusage ru;
  if (child < 0 || wait4(child, &status, 0, &ru) < 0) {
    perror("rusage");
    return 2;
  }
  int stopped = limit && WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGKILL);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long long wall = (t1.tv_sec - t0.tv_sec) * 1000000LL + (t1.tv_nsec - t0.tv_nsec) / 1000;
  FILE *out = fopen(argv[1], "w");
  if (!out) {
    perror(argv[1]);
    return 2;
  }
  fprintf(out, "%lld %lld %lld %ld %d\n", wall, us(ru.ru_utime), us(ru.ru_stime), ru.ru_maxrss, stopped);
  fclose(out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
