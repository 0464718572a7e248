/* A backend that records what the state machine asked and lets the test answer. */
#ifndef PK_FAKE_BACKEND_H
#define PK_FAKE_BACKEND_H
#include "pishkhan/app.h"

typedef struct {
  int opens, logins, closes, cancels, submits, tracks, inboxes, documents, prints, otp_requests, otp_verifies, pays,
      pay_cancels, pay_cashes, entity_asks, clerk_checks, shift_ends, level1_asks;
  char audit[512];          /* the desk's audit kinds, space-separated, in order */
  pk_app_shift last_shift;  /* what shift_end was handed */
  char last_otp_target[32]; /* "national_code mobile", or "national_code birth_date" (level 1) */
  long long last_amount;
  char last_service[64], last_fields[1024], last_ref[64], recorded_ref[16], last_tracking[64];
  unsigned last_gen;
  char last_pin[16];
} fake_backend;

extern const pk_backend_ops fake_backend_ops;

#endif
