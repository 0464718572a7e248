/* The pkpos framing (docs/payment.md): 2-byte big-endian body length, a body of key=value lines,
 * one LRC byte (XOR of every byte before it). Hand-written: the format is ours and ten lines of
 * grammar (docs/dependencies.md). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pishkhan/payment.h"

#define PK_PAY_NUM_DIGITS 15
#define PK_PAY_NUM_MAX 999999999999999LL

static const char *const TYPE_NAMES[PK_PAY_MSG_COUNT] = {
    "", "SALE", "SALE_ANS", "STATUS", "STATUS_ANS", "REVERSE", "REVERSE_ANS", "BATCH", "BATCH_ANS", "JOURNAL",
    "JOURNAL_ANS", "SETTLE", "SETTLE_ANS"};

const char *pk_pay_msg_type_name(pk_pay_msg_type t) {
  return (unsigned)t < PK_PAY_MSG_COUNT ? TYPE_NAMES[t] : "";
}

/* Text fields and where they live in a message; numbers are in NUMS. */
typedef struct {
  const char *key;
  size_t off, cap;
} field;

#define F(k, m) {k, offsetof(pk_pay_msg, m), sizeof(((pk_pay_msg *)0)->m)}
static const field FIELDS[] = {F("tr", trace), F("inv", invoice), F("tid", tid), F("rc", rc),
                               F("ac", approval), F("rrn", rrn), F("pan", pan), F("st", state),
                               F("dy", day)};
#undef F
#define NFIELDS (sizeof FIELDS / sizeof FIELDS[0])

/* Numbers after am (always sent): sent only when not 0, so a v1 frame is unchanged. */
#define N(k, m) {k, offsetof(pk_pay_msg, m), 0}
static const field NUMS[] = {N("ix", index),     N("ne", entries),      N("na", n_approved),
                             N("sa", sum_approved), N("nr", n_reversed), N("sr", sum_reversed)};
#undef N
#define NNUMS (sizeof NUMS / sizeof NUMS[0])

static int64_t *num_at(pk_pay_msg *m, size_t i) { return (int64_t *)(void *)((char *)m + NUMS[i].off); }
static int64_t num_of(const pk_pay_msg *m, size_t i) {
  int64_t v;
  memcpy(&v, (const char *)m + NUMS[i].off, sizeof v);
  return v;
}

static uint8_t lrc(const uint8_t *p, size_t n) {
  uint8_t x = 0;
  for (size_t i = 0; i < n; i++) x ^= p[i];
  return x;
}

static bool printable(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] < 0x20 || s[i] > 0x7e) return false;
  return true;
}

static int encode(const pk_pay_msg *m, uint8_t *buf, size_t cap) {
  if (!m || !buf || (unsigned)m->type - 1u >= (unsigned)PK_PAY_MSG_COUNT - 1u || cap < 3) return -1;
  char body[PK_PAY_FRAME_MAX + 1];
  int n = snprintf(body, sizeof body, "t=%s\nam=%lld\n", TYPE_NAMES[m->type], (long long)m->amount);
  for (size_t i = 0; i < NFIELDS && n > 0 && n < (int)sizeof body; i++) {
    const char *v = (const char *)m + FIELDS[i].off;
    if (!printable(v, strnlen(v, FIELDS[i].cap))) return -1;
    if (*v) n += snprintf(body + n, sizeof body - (size_t)n, "%s=%.*s\n", FIELDS[i].key, (int)FIELDS[i].cap, v);
  }
  for (size_t i = 0; i < NNUMS && n > 0 && n < (int)sizeof body; i++) {
    int64_t v = num_of(m, i);
    if (v < 0 || v > PK_PAY_NUM_MAX) return -1;
    if (v) n += snprintf(body + n, sizeof body - (size_t)n, "%s=%lld\n", NUMS[i].key, (long long)v);
  }
  if (n <= 0 || n > PK_PAY_FRAME_MAX || (size_t)n + 3 > cap) return -1;
  buf[0] = (uint8_t)(n >> 8);
  buf[1] = (uint8_t)n;
  memcpy(buf + 2, body, (size_t)n);
  buf[n + 2] = lrc(buf, (size_t)n + 2);
  return n + 3;
}

static bool parse_amount(const char *v, size_t n, int64_t *out) {
  if (n == 0 || n > PK_PAY_NUM_DIGITS) return false;
  int64_t a = 0;
  for (size_t i = 0; i < n; i++) {
    if (v[i] < '0' || v[i] > '9') return false;
    a = a * 10 + (v[i] - '0');
  }
  *out = a;
  return true;
}

static pk_pay_msg_type type_from(const char *v, size_t n) {
  for (int t = 1; t < PK_PAY_MSG_COUNT; t++)
    if (strlen(TYPE_NAMES[t]) == n && memcmp(TYPE_NAMES[t], v, n) == 0) return (pk_pay_msg_type)t;
  return PK_PAY_MSG_NONE;
}

static bool once(unsigned *seen, unsigned bit) {
  if (*seen & bit) return false;
  *seen |= bit;
  return true;
}

/* One key=value line into m; unknown keys are skipped (a newer terminal may add some), a key
 * said twice refuses the frame (which of two traces would be the answer's?). */
static bool take_line(const char *k, size_t kn, const char *v, size_t vn, pk_pay_msg *m, unsigned *seen) {
  if (!printable(v, vn)) return false;
  if (kn == 1 && *k == 't') return once(seen, 1u << NFIELDS) && (m->type = type_from(v, vn)) != PK_PAY_MSG_NONE;
  if (kn == 2 && memcmp(k, "am", 2) == 0) return once(seen, 2u << NFIELDS) && parse_amount(v, vn, &m->amount);
  for (size_t i = 0; i < NNUMS; i++)
    if (kn == strlen(NUMS[i].key) && memcmp(NUMS[i].key, k, kn) == 0)
      return once(seen, 4u << (NFIELDS + i)) && parse_amount(v, vn, num_at(m, i));
  for (size_t i = 0; i < NFIELDS; i++) {
    if (strlen(FIELDS[i].key) != kn || memcmp(FIELDS[i].key, k, kn) != 0) continue;
    if (!once(seen, 1u << i)) return false;
    if (vn >= FIELDS[i].cap) return false; /* never truncated: a cut trace is another trace */
    char *dst = (char *)m + FIELDS[i].off;
    memcpy(dst, v, vn);
    dst[vn] = 0;
    return true;
  }
  return true;
}

static bool parse_body(const char *b, size_t n, pk_pay_msg *m) {
  memset(m, 0, sizeof *m);
  unsigned seen = 0;
  while (n > 0) {
    const char *nl = memchr(b, '\n', n);
    const char *eq = memchr(b, '=', nl ? (size_t)(nl - b) : n);
    if (!nl || !eq || eq == b) return false;
    if (!take_line(b, (size_t)(eq - b), eq + 1, (size_t)(nl - eq - 1), m, &seen)) return false;
    n -= (size_t)(nl - b) + 1;
    b = nl + 1;
  }
  return m->type != PK_PAY_MSG_NONE;
}

static pk_pay_frame_rc parse(const uint8_t *buf, size_t len, pk_pay_msg *m, size_t *used) {
  if (len < 2) return PK_PAY_FRAME_MORE;
  size_t n = (size_t)buf[0] << 8 | buf[1];
  if (n == 0 || n > PK_PAY_FRAME_MAX) return PK_PAY_FRAME_BAD;
  if (len < n + 3) return PK_PAY_FRAME_MORE;
  if (lrc(buf, n + 2) != buf[n + 2] || !parse_body((const char *)buf + 2, n, m)) return PK_PAY_FRAME_BAD;
  *used = n + 3;
  return PK_PAY_FRAME_OK;
}

const pk_pay_framing pk_pay_framing_pkpos = {.name = "pkpos", .encode = encode, .parse = parse};

bool pk_pay_mask_pan(const char *in, char *out, size_t cap) {
  if (!out || cap < 20) return false;
  out[0] = 0;
  size_t n = in ? strlen(in) : 0;
  if (n < 12 || n > 19) return false;
  for (size_t i = 0; i < n; i++) {
    bool kept = i < 6 || i >= n - 4;
    bool digit = in[i] >= '0' && in[i] <= '9';
    if (!digit && (kept || in[i] != '*')) return (out[0] = 0), false;
    out[i] = kept ? in[i] : '*';
  }
  out[n] = 0;
  return true;
}
