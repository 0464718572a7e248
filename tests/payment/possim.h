/* The terminal simulator run by tests and benchmarks, and its own record read back. */
#ifndef PK_TESTS_POSSIM_H
#define PK_TESTS_POSSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct {
  pid_t pid;
  int port;
  char dir[256];
  char db[300];
} possim;

typedef struct {
  char trace[16];
  char invoice[40];
  long long amount;
  char state[16];
  int sales, reversals, statuses; /* requests of each type for the trace */
  int closed;                     /* in a settled batch */
} possim_row;

/* Starts bin/pishkhan-pos-sim on an ephemeral loopback port (its record in a fresh temp dir). */
bool possim_start(possim *p, int slow_ms);
void possim_stop(possim *p);
/* Up to n rows of the terminal's record (`--dump`); how many there were. */
size_t possim_dump(const possim *p, possim_row *rows, size_t n);
const possim_row *possim_find(const possim_row *rows, size_t n, const char *trace);

#endif
