/* An ordinary tool. */
#include <stdio.h>
int main(void) { puts("hello tool 1.2.3"); return 0; }
