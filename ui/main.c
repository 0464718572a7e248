#include <stdio.h>
int main(void) { puts("pishkhan " PK_VERSION); return 0; }
