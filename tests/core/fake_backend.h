/* A backend that records what the state machine asked and lets the test answer. */
#ifndef PK_FAKE_BACKEND_H
#define PK_FAKE_BACKEND_H
#include "pishkhan/app.h"

typedef struct {
  int opens, logins, closes, cancels;
  unsigned last_gen;
  char last_pin[16];
} fake_backend;

extern const pk_backend_ops fake_backend_ops;

#endif
