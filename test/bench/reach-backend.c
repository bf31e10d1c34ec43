/*
 * Proof that the datapath serves a change, for the programming bench
 * (test/bench/programming.bench.ts): a connect to a service address through the socket LB
 * reaches the new backend, which answers with the address the connection arrived on.
 * Built by the bench with the host's C compiler.
 *
 *   reach-backend server PORT             accept forever; write each peer the local address it
 *                                         connected to, then close (prints "ready")
 *   reach-backend client ADDR PORT TRIES  connect until one connect succeeds (the service's
 *                                         other backends are unroutable from the bench's
 *                                         namespace, so their connects fail at once); prints
 *                                         the answer and the number of attempts
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int server(int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = {htonl(INADDR_ANY)}};
  if (bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 64)) {
    perror("server");
    return 1;
  }
  printf("ready\n");
  fflush(stdout);
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

static int client(const char *addr, int port, int tries) {
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  if (inet_pton(AF_INET, addr, &a.sin_addr) != 1) {
    fprintf(stderr, "bad address %s\n", addr);
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
  if (argc == 5 && !strcmp(argv[1], "client")) return client(argv[2], atoi(argv[3]), atoi(argv[4]));
  fprintf(stderr, "usage: reach-backend server PORT | client ADDR PORT TRIES\n");
  return 2;
}
