/* Out of memory on demand: the next calls to calloc on this thread succeed `n` times, then one
 * fails. The test binary's own calloc wraps the real one (libc's, or the sanitizer's). */
#ifndef PK_TEST_FAILING_CALLOC_H
#define PK_TEST_FAILING_CALLOC_H
void fail_calloc_after(int n);
int calloc_failures(void); /* how many calls failed so far */
#endif
