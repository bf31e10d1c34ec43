/*
 * Connect loop and accept loop for the socket LB bench (test/bench/socket-lb.bench.ts), in C so
 * that the figure is the kernel's cost per connection, not a runtime's. Built by the bench with
 * the host's C compiler.
 *
 *   socket-lb-connect server PORT         accept and close, forever (prints "ready")
 *   socket-lb-connect client ADDR PORT MS connect and close for MS milliseconds; prints the
 *                                         connects, the failures and the client's CPU time (µs)
 *
 * and, for the programming bench (test/bench/switchyard-path.ts), the proof that the datapath
 * serves a change: a connect through the socket LB that reaches the new backend.
 *
 *   socket-lb-connect answer PORT         accept forever; write each peer the local address it
 *                                         connected to, then close (prints "ready")
 *   socket-lb-connect reach ADDR PORT N   connect until one succeeds, at most N times (a
 *                                         service's unroutable backends fail at once); prints
 *                                         the answer and the number of attempts
 *
 * Both ends close with SO_LINGER 0 (a reset): no TIME_WAIT, so ports never run out.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void abortive_close(int fd) {
  struct linger l = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A listening socket on every address, "ready" printed; -1 on failure. */
static int listener(int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = {htonl(INADDR_ANY)}};
  if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 4096)) {
    perror("listen");
    return -1;
  }
  printf("ready\n");
  fflush(stdout);
  return s;
}

static int server(int port) {
  int s = listener(port);
  if (s < 0) return 1;
  for (;;) {
    int c = accept(s, NULL, NULL);
    if (c >= 0) abortive_close(c);
  }
}

static int answer(int port) {
  int s = listener(port);
  if (s < 0) return 1;
  for (;;) {
    int c = accept(s, NULL, NULL);
    if (c < 0) continue;
    struct sockaddr_in local;
    socklen_t len = sizeof local;
    char line[INET_ADDRSTRLEN + 1] = "?";
    if (getsockname(c, (struct sockaddr *)&local, &len) == 0) inet_ntop(AF_INET, &local.sin_addr, line, sizeof line);
    strcat(line, "\n");
    (void)!write(c, line, strlen(line));
    close(c);
  }
}

static int client(const char *addr, int port, double ms) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
    fprintf(stderr, "client: bad address %s\n", addr);
    return 1;
  }
  long ok = 0, failed = 0;
  double end = now_ms() + ms;
  while (now_ms() < end) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) ok++;
    else if (failed++ == 0) fprintf(stderr, "connect %s:%d: %s\n", addr, port, strerror(errno));
    abortive_close(s);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu_us = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
  printf("%ld %ld %.0f\n", ok, failed, cpu_us);
  return 0;
}

static int reach(const char *addr, int port, int tries) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
    fprintf(stderr, "reach: bad address %s\n", addr);
    return 2;
  }
  for (int i = 1; i <= tries; i++) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(s, (struct sockaddr *)&a, sizeof a) == 0) {
      char buf[64] = {0};
      ssize_t n = read(s, buf, sizeof buf - 1);
      close(s);
      if (n <= 0) continue;
      buf[strcspn(buf, "\n")] = 0;
      printf("%s %d\n", buf, i);
      return 0;
    }
    close(s);
  }
  printf("unreached %d\n", tries);
  return 1;
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "server")) return server(atoi(argv[2]));
  if (argc == 5 && !strcmp(argv[1], "client")) return client(argv[2], atoi(argv[3]), atof(argv[4]));
  if (argc == 3 && !strcmp(argv[1], "answer")) return answer(atoi(argv[2]));
  if (argc == 5 && !strcmp(argv[1], "reach")) return reach(argv[2], atoi(argv[3]), atoi(argv[4]));
  fprintf(stderr, "usage: %s server PORT | client ADDR PORT MS | answer PORT | reach ADDR PORT N\n", argv[0]);
  return 2;
}
