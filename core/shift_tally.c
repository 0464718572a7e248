/* Counting a shift from its audit log entries (pishkhan/shift.h). The log is read as untrusted
 * text: every line must parse as a canonical entry (pk_audit_parse_line), and the chain itself is
 * `pishkhan audit verify`'s to check. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pishkhan/audit.h"
#include "pishkhan/shift.h"

void pk_shift_group_rials(long long rials, char *out, size_t size) {
  char digits[24], grouped[32];
  snprintf(digits, sizeof digits, "%lld", rials < 0 ? 0 : rials);
  size_t n = strlen(digits), o = 0;
  for (size_t i = 0; i < n; i++) {
    if (i && (n - i) % 3 == 0) grouped[o++] = ',';
    grouped[o++] = digits[i];
  }
  grouped[o] = '\0';
  snprintf(out, size, "%s", grouped);
}

/* "1,250,000" back to 1250000; -1 unless it is digits in groups of three. */
static long long ungroup(const char *s) {
  long long v = 0;
  int run = 0, groups = 0;
  for (; s && *s; s++) {
    if (*s == ',') {
      if (!run || (groups && run != 3)) return -1;
      groups++, run = 0;
      continue;
    }
    if (*s < '0' || *s > '9' || v > 100000000000000LL) return -1;
    v = v * 10 + (*s - '0'), run++;
  }
  return run && (!groups || run == 3) ? v : -1;
}

static pk_shift_service *service_row(pk_shift_tally *t, const char *id) {
  for (size_t i = 0; i < t->nservices; i++)
    if (!strcmp(t->services[i].id, id)) return &t->services[i];
  pk_shift_service *grown = realloc(t->services, (t->nservices + 1) * sizeof *grown);
  if (!grown) return NULL;
  t->services = grown;
  pk_shift_service *s = &t->services[t->nservices++];
  memset(s, 0, sizeof *s);
  snprintf(s->id, sizeof s->id, "%s", id);
  return s;
}

static const char *str(json_t *e, const char *key) {
  const char *s = json_string_value(json_object_get(e, key));
  return s ? s : "";
}

static void count_auth(pk_shift_tally *t, json_t *e) {
  static const char *const ways[] = {[PK_SHIFT_CARD] = "card", [PK_SHIFT_OTP] = "otp", [PK_SHIFT_LEVEL1] = "level1"};
  /* card_offline: the card's way in, signed in without the window (the queue's requests). */
  const char *m = strcmp(str(e, "method"), "card_offline") ? str(e, "method") : "card";
  pk_shift_way w = PK_SHIFT_OTHER;
  for (int i = 0; i < PK_SHIFT_OTHER; i++)
    if (!strcmp(m, ways[i])) w = (pk_shift_way)i;
  t->auth[w]++;
}

/* A request recorded (online or queued) or refused; registered by the window (delivered, online or
 * from the queue) is counted apart. */
static int count_request(pk_shift_tally *t, json_t *e, const char *kind, const char *clerk_id) {
  if (!strcmp(kind, "request_delivered")) return t->delivered++, 0;
  pk_shift_service *s = service_row(t, str(e, "service"));
  if (!s) return -1;
  if (!strcmp(kind, "request_failed")) return s->failed++, t->failed++, 0;
  bool queued = !strcmp(kind, "request_queued");
  queued ? (s->queued++, t->queued++) : (s->submitted++, t->submitted++);
  const char *clerk = str(e, "clerk");
  if (clerk[0] && clerk_id && !strcmp(clerk, clerk_id)) t->assisted++;
  else if (!clerk[0]) t->self_service++;
  long long paid = json_object_get(e, "paid") ? ungroup(str(e, "paid")) : 0;
  if (paid > 0) s->paid_rials += paid, t->paid_rials += paid, t->paid++;
  return 0;
}

static void count_cash(pk_shift_tally *t, json_t *e, bool received) {
  long long rials = ungroup(str(e, "amount"));
  if (rials < 0) rials = 0;
  if (received) t->cash_received++, t->cash_received_rials += rials;
  else t->cash_refunded++, t->cash_refunded_rials += rials;
}

static int count_entry(pk_shift_tally *t, json_t *e, const char *clerk_id) {
  const char *kind = str(e, "kind");
  if (!strcmp(kind, "citizen_auth")) count_auth(t, e);
  else if (!strcmp(kind, "cash_received") || !strcmp(kind, "cash_refunded"))
    count_cash(t, e, !strcmp(kind, "cash_received"));
  else if (!strncmp(kind, "request_", 8)) return count_request(t, e, kind, clerk_id);
  else if (!strcmp(kind, "print")) t->prints++;
  else if (!strcmp(kind, "reprint")) t->reprints++;
  else if (!strcmp(kind, "clerk_login")) t->logins++;
  else if (!strcmp(kind, "clerk_lock")) t->locks++;
  return 0;
}

static int by_id(const void *a, const void *b) {
  return strcmp(((const pk_shift_service *)a)->id, ((const pk_shift_service *)b)->id);
}

int pk_shift_tally_read(const char *path, long long offset, uint64_t to_seq, const char *clerk_id,
                        pk_shift_tally *t, char *err, size_t errsz) {
  memset(t, 0, sizeof *t);
  FILE *f = fopen(path, "re");
  if (!f || fseeko(f, offset, SEEK_SET) != 0) {
    snprintf(err, errsz, "%s: %s", path, strerror(errno));
    if (f) fclose(f);
    return -1;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int rc = 0;
  while (rc == 0 && (n = getline(&line, &cap, f)) > 0) {
    size_t len = (size_t)n - (line[n - 1] == '\n');
    json_t *e = pk_audit_parse_line(line, len);
    uint64_t seq = e ? (uint64_t)json_integer_value(json_object_get(e, "seq")) : 0;
    if (!e) snprintf(err, errsz, "%s: a line after byte %lld is not a log entry", path, offset), rc = -1;
    else if (to_seq && seq > to_seq) {
      json_decref(e);
      break;
    } else {
      t->first_seq = t->first_seq ? t->first_seq : seq;
      t->last_seq = seq;
      if (count_entry(t, e, clerk_id) != 0) snprintf(err, errsz, "out of memory"), rc = -1;
    }
    json_decref(e);
  }
  free(line);
  fclose(f);
  if (t->nservices) qsort(t->services, t->nservices, sizeof *t->services, by_id);
  if (rc != 0) pk_shift_tally_free(t);
  return rc;
}

void pk_shift_tally_free(pk_shift_tally *t) {
  free(t->services);
  t->services = NULL;
  t->nservices = 0;
}
