#include "failing_calloc.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>

static void *(*real_calloc)(size_t, size_t);
static pthread_t armed_on;
static int countdown = -1, failures;
static __thread int resolving;

void fail_calloc_after(int n) {
  armed_on = pthread_self();
  countdown = n;
}

int calloc_failures(void) { return failures; }

void *calloc(size_t n, size_t size) {
  if (!real_calloc) {
    if (resolving) return NULL; /* dlsym asking for memory while it looks calloc up */
    resolving = 1;
    void *sym = dlsym(RTLD_NEXT, "calloc");
    memcpy(&real_calloc, &sym, sizeof real_calloc); /* POSIX: a data pointer that is a function */
    resolving = 0;
  }
  if (countdown >= 0 && pthread_equal(armed_on, pthread_self())) {
    if (countdown == 0) {
      countdown = -1;
      failures++;
      return NULL;
    }
    countdown--;
  }
  return real_calloc(n, size);
}
