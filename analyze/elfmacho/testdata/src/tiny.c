/* A static program without libc that writes a banner (like a bundled helper). */
static const char msg[] = "helper 3.0.0\n";
void _start(void) {
  __asm__ volatile("syscall" :: "a"(1), "D"(1), "S"(msg), "d"(sizeof msg - 1) : "rcx", "r11", "memory");
  __asm__ volatile("syscall" :: "a"(60), "D"(0));
}
