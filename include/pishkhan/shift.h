/* A counter shift as its audit log tells it: the shift report is counted from the entries the
 * shift wrote (from the byte offset of its first clerk_login to the checkpoint that closes it),
 * so that what the paper says is what the log holds, and an inspector can count it again. */
#ifndef PISHKHAN_SHIFT_H
#define PISHKHAN_SHIFT_H
#include <stddef.h>
#include <stdint.h>

/* Ways in, as citizen_auth's method names them. */
typedef enum { PK_SHIFT_CARD, PK_SHIFT_OTP, PK_SHIFT_LEVEL1, PK_SHIFT_OTHER, PK_SHIFT_WAYS } pk_shift_way;

typedef struct pk_shift_service {
  char id[64];
  unsigned submitted, queued, failed; /* requests recorded online, sealed for the queue, refused */
  long long paid_rials;               /* fees paid with those requests */
} pk_shift_service;

typedef struct pk_shift_tally {
  unsigned auth[PK_SHIFT_WAYS];       /* citizens signed in, by way in */
  unsigned assisted, self_service;    /* requests with this clerk's id, and with none */
  unsigned submitted, queued, failed;
  unsigned delivered;                 /* registered by the window (online, or from the queue) */
  unsigned prints, reprints, logins, locks;
  unsigned paid;                      /* requests that carried a paid fee */
  long long paid_rials;
  /* Cash at the counter, as the window recorded it (cash_received) and gave it back
   * (cash_refunded): what the clerk hands over is the difference. */
  unsigned cash_received, cash_refunded;
  long long cash_received_rials, cash_refunded_rials;
  pk_shift_service *services;         /* sorted by id */
  size_t nservices;
  uint64_t first_seq, last_seq;       /* the entries counted (0 when none) */
} pk_shift_tally;

/* Reads the log at path from byte offset (a line's start) on, counting every entry up to seq
 * to_seq (0: to the end); requests count as assisted when their clerk field is clerk_id.
 * 0, or -1 with err (the file cannot be read, or a line is not a log entry). */
int pk_shift_tally_read(const char *path, long long offset, uint64_t to_seq, const char *clerk_id,
                        pk_shift_tally *t, char *err, size_t errsz);
void pk_shift_tally_free(pk_shift_tally *t);

/* What a shift report is made of: the desk's record of the shift, its tally from the log, and
 * the catalog for the services' titles (NULL: ids only). */
struct pk_app_shift;
struct pk_catalog;
typedef struct pk_shift_report_in {
  const struct pk_app_shift *shift;
  const pk_shift_tally *tally;
  const struct pk_catalog *cat;
} pk_shift_report_in;

/* The report as text, Persian then English (the file, the PDF); as CSV (RFC 4180, UTF-8, one
 * table: section, key, Persian and English names, count, and per service sent, queued, refused,
 * fees paid). Caller frees; NULL when out of memory. */
char *pk_shift_report_text(const pk_shift_report_in *in);
char *pk_shift_report_csv(const pk_shift_report_in *in);

/* "1,250,000": amounts as the audit log keeps them (no run of digits a national code could be). */
void pk_shift_group_rials(long long rials, char *out, size_t size);

#endif
