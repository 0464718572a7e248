/* EF.ID (docs/card-profile.md section 3): strict parse of what a possibly hostile card
 * returns, and the encoder the virtual card uses. */
#include "card_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unicode/utf8.h>

#include "pishkhan/i18n.h"
#include "pishkhan/secret.h"

enum { T_VERSION = 0x80, T_CODE, T_GIVEN_FA, T_FAMILY_FA, T_GIVEN_EN, T_FAMILY_EN, T_FATHER_FA,
       T_BIRTH, T_SERIAL, T_ISSUED, T_EXPIRES, T_ROLE };

/* Well-formed UTF-8 (ICU's U8_NEXT refuses overlongs, surrogates and cut sequences: c < 0)
 * without C0/C1 controls or DEL; runs on untrusted card bytes before any string exists. */
static bool utf8_name_ok(const uint8_t *s, size_t n) {
  if (n > INT32_MAX) return false;
  for (int32_t i = 0; i < (int32_t)n;) {
    UChar32 c;
    U8_NEXT(s, i, (int32_t)n, c);
    if (c < 0x20 || (c >= 0x7F && c < 0xA0)) return false;
  }
  return true;
}

static bool latin_ok(const uint8_t *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == ' ' || c == '-' || c == '\'';
    if (!ok) return false;
  }
  return true;
}

static bool serial_ok(const uint8_t *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z'))) return false;
  return true;
}

static bool copy_str(char *dst, size_t dstsz, const pk_tlv *t, size_t maxlen) {
  if (t->len == 0 || t->len > maxlen || t->len >= dstsz) return false;
  memcpy(dst, t->val, t->len);
  dst[t->len] = 0;
  return true;
}

static bool copy_date(char *dst, size_t dstsz, const pk_tlv *t) {
  if (t->len != 8 || dstsz < 11) return false;
  int v[8];
  for (int i = 0; i < 8; i++) {
    if (t->val[i] < '0' || t->val[i] > '9') return false;
    v[i] = t->val[i] - '0';
  }
  int y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3], m = v[4] * 10 + v[5], d = v[6] * 10 + v[7];
  if (y < 1200 || y > 1600 || !pk_jalali_valid(y, m, d)) return false;
  snprintf(dst, dstsz, "%04d/%02d/%02d", y, m, d);
  return true;
}

static bool field(const pk_tlv *t, pk_identity *id) {
  switch (t->tag) {
  case T_VERSION: return t->len == 1 && t->val[0] == 1;
  case T_CODE:
    return copy_str(id->national_code, sizeof id->national_code, t, 10) &&
           pk_national_code_digits_valid(id->national_code);
  case T_GIVEN_FA: return utf8_name_ok(t->val, t->len) && copy_str(id->given_fa, PK_NAME_MAX, t, 127);
  case T_FAMILY_FA: return utf8_name_ok(t->val, t->len) && copy_str(id->family_fa, PK_NAME_MAX, t, 127);
  case T_FATHER_FA: return utf8_name_ok(t->val, t->len) && copy_str(id->father_fa, PK_NAME_MAX, t, 127);
  case T_GIVEN_EN: return latin_ok(t->val, t->len) && copy_str(id->given_en, PK_NAME_MAX, t, 127);
  case T_FAMILY_EN: return latin_ok(t->val, t->len) && copy_str(id->family_en, PK_NAME_MAX, t, 127);
  case T_BIRTH: return copy_date(id->birth_date, sizeof id->birth_date, t);
  case T_SERIAL: return serial_ok(t->val, t->len) && copy_str(id->serial, sizeof id->serial, t, 31);
  case T_ISSUED: return copy_date(id->issued, sizeof id->issued, t);
  case T_EXPIRES: return copy_date(id->expires, sizeof id->expires, t);
  case T_ROLE:
    if (t->len != 1 || (t->val[0] != PK_ROLE_CITIZEN && t->val[0] != PK_ROLE_CLERK)) return false;
    id->role = (pk_card_role)t->val[0];
    return true;
  default: return false;
  }
}

pk_card_status pk_efid_parse(const uint8_t *buf, size_t n, pk_identity *out) {
  if (!out) return PK_CARD_ARG;
  memset(out, 0, sizeof *out);
  pk_tlv outer;
  if (pk_tlv_parse_one(buf, n, &outer) < 0 || outer.tag != 0x70 || !outer.constructed) return PK_CARD_BAD_DATA;
  const uint8_t *p = outer.val, *end = outer.val + outer.len;
  uint32_t want = T_VERSION;
  while (p < end) {
    pk_tlv t;
    /* Fixed order makes duplicates and unknown tags errors for free. */
    if (pk_tlv_next(&p, end, &t) < 0 || t.tag != want || t.constructed || !field(&t, out)) goto bad;
    want++;
  }
  if (want != T_ROLE + 1) goto bad;
  return PK_CARD_OK;
bad:
  pk_identity_wipe(out);
  return PK_CARD_BAD_DATA;
}

static size_t put_str(uint8_t *out, size_t cap, size_t at, uint32_t tag, const char *s) {
  if (at == 0 || at > cap) return 0;
  size_t n = pk_tlv_put(out + at, cap - at, tag, (const uint8_t *)s, strlen(s));
  return n ? at + n : 0;
}

static size_t put_date(uint8_t *out, size_t cap, size_t at, uint32_t tag, const char *date) {
  char d[16];
  int y, m, dd;
  if (sscanf(date, "%4d/%2d/%2d", &y, &m, &dd) != 3 || y < 0 || m < 0 || dd < 0) return 0;
  snprintf(d, sizeof d, "%04d%02d%02d", y % 10000, m % 100, dd % 100);
  return put_str(out, cap, at, tag, d);
}

size_t pk_efid_encode(const pk_identity *id, uint8_t *out, size_t cap) {
  uint8_t body[2048];
  uint8_t one = 1, role = (uint8_t)id->role;
  /* at is the write offset; 0 means a previous field failed (the first TLV is 3 bytes). */
  size_t n, at = pk_tlv_put(body, sizeof body, T_VERSION, &one, 1);
  at = put_str(body, sizeof body, at, T_CODE, id->national_code);
  at = put_str(body, sizeof body, at, T_GIVEN_FA, id->given_fa);
  at = put_str(body, sizeof body, at, T_FAMILY_FA, id->family_fa);
  at = put_str(body, sizeof body, at, T_GIVEN_EN, id->given_en);
  at = put_str(body, sizeof body, at, T_FAMILY_EN, id->family_en);
  at = put_str(body, sizeof body, at, T_FATHER_FA, id->father_fa);
  at = put_date(body, sizeof body, at, T_BIRTH, id->birth_date);
  at = put_str(body, sizeof body, at, T_SERIAL, id->serial);
  at = put_date(body, sizeof body, at, T_ISSUED, id->issued);
  at = put_date(body, sizeof body, at, T_EXPIRES, id->expires);
  if (at == 0 || (n = pk_tlv_put(body + at, sizeof body - at, T_ROLE, &role, 1)) == 0) return 0;
  at += n;
  return pk_tlv_put(out, cap, 0x70, body, at);
}

void pk_identity_wipe(pk_identity *id) {
  if (id) pk_wipe(id, sizeof *id);
}
