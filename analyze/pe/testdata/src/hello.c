/* An ordinary console tool: prints its version. Built with -DPATCHED it
   prints one more line but keeps the same version resource. */
#include <stdio.h>
int main(void) {
  puts("hello tool 1.2.3");
#ifdef PATCHED
  puts("patched build");
#endif
  return 0;
}
