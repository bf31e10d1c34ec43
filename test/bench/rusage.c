/*
 * Runs a command and reports what it cost, for the benches that measure the user's path
 * (test/bench/child-usage.ts): wall time, user and system CPU time (from wait4's rusage, so every
 * thread of the child and every child it waited for counts, in microseconds: /usr/bin/time and
 * /proc/<pid>/stat only give clock ticks of 10 ms, too coarse for a partial sync) and peak RSS.
 *
 *   rusage OUT COMMAND [ARG...]   writes "wall_us user_us sys_us maxrss_kib" to OUT; stdin,
 *                                 stdout and stderr are the command's; exits with its status
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long us(struct timeval tv) { return (long long)tv.tv_sec * 1000000 + tv.tv_usec; }

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: rusage OUT COMMAND [ARG...]\n");
    return 2;
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid = fork();
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    perror(argv[2]);
    _exit(127);
  }
  int status;
  struct rusage ru;
  if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
    perror("rusage");
    return 2;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  long long wall = (t1.tv_sec - t0.tv_sec) * 1000000LL + (t1.tv_nsec - t0.tv_nsec) / 1000;
  FILE *out = fopen(argv[1], "w");
  if (!out) {
    perror(argv[1]);
    return 2;
  }
  fprintf(out, "%lld %lld %lld %ld\n", wall, us(ru.ru_utime), us(ru.ru_stime), ru.ru_maxrss);
  fclose(out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
