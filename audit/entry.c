/* The entry format: canonical JSON lines, the chain's hash, and the refusal of secrets. */
#include <ctype.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "pishkhan/outbox.h"

struct au_hasher {
  EVP_MD *md;
  EVP_MD_CTX *c;
};

au_hasher *au_hasher_new(void) {
  au_hasher *h = calloc(1, sizeof *h);
  if (h && (!(h->md = EVP_MD_fetch(NULL, "SHA256", NULL)) || !(h->c = EVP_MD_CTX_new()))) au_hasher_free(h), h = NULL;
  return h;
}

void au_hasher_free(au_hasher *h) {
  if (!h) return;
  EVP_MD_CTX_free(h->c);
  EVP_MD_free(h->md);
  free(h);
}

void au_chain(au_hasher *h, const uint8_t prev[32], const char *line, size_t len, uint8_t next[32]) {
  unsigned int n = 32;
  uint8_t out[32];
  if (!h || !EVP_DigestInit_ex(h->c, h->md, NULL) || !EVP_DigestUpdate(h->c, prev, 32) ||
      !EVP_DigestUpdate(h->c, line, len) || !EVP_DigestFinal_ex(h->c, out, &n))
    memset(out, 0, 32); /* no hasher: a zero hash matches nothing that follows */
  memcpy(next, out, 32);
}

void au_hex(const uint8_t h[32], char out[65]) {
  static const char d[] = "0123456789abcdef";
  for (int i = 0; i < 32; i++) out[2 * i] = d[h[i] >> 4], out[2 * i + 1] = d[h[i] & 15];
  out[64] = 0;
}

static int nibble(char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; }

int au_unhex(const char *hex, uint8_t h[32]) {
  if (!hex || strlen(hex) != 64) return -1;
  for (int i = 0; i < 32; i++) {
    int a = nibble(hex[2 * i]), b = nibble(hex[2 * i + 1]);
    if (a < 0 || b < 0) return -1;
    h[i] = (uint8_t)(a << 4 | b);
  }
  return 0;
}

void au_err(char *err, size_t errsz, const char *fmt, ...) {
  if (!err || !errsz) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errsz, fmt, ap);
  va_end(ap);
}

char *au_canonical(const json_t *obj) {
  char *text = json_dumps(obj, JSON_COMPACT);
  char *c = text ? pk_jcs(text, strlen(text)) : NULL;
  free(text);
  return c;
}

char *au_checkpoint_payload(const json_t *entry) {
  json_t *copy = json_copy((json_t *)entry);
  json_object_del(copy, "jws");
  char *c = copy ? au_canonical(copy) : NULL;
  json_decref(copy);
  return c;
}

/* Length of the decimal digit (any digit set: ASCII, Persian, Arabic-Indic) at s, 0 if none. */
static size_t digit_at(const unsigned char *s) {
  if (isdigit(*s)) return 1;
  if ((s[0] == 0xDB && s[1] >= 0xB0 && s[1] <= 0xB9) || (s[0] == 0xD9 && s[1] >= 0xA0 && s[1] <= 0xA9)) return 2;
  return 0;
}

/* A full national code is 10 digits; nothing an entry needs has 10 in a row (refs are grouped). */
static bool has_ten_digit_run(const char *s) {
  int run = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    size_t n = digit_at(p);
    run = n ? run + 1 : 0;
    if (run >= 10) return true;
    p += n ? n : 1;
  }
  return false;
}

static bool secret_name(const char *key) {
  /* A date of birth is what a level 1 sign-in proves: it is kept out like the rest. */
  static const char *const words[] = {"pin", "otp", "password", "passcode", "puk", "birth"};
  char buf[64];
  snprintf(buf, sizeof buf, "%s", key);
  for (char *w = strtok(buf, "_-"); w; w = strtok(NULL, "_-"))
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
      if (!strcasecmp(w, words[i])) return true;
  return false;
}

static int digits_in(const char *s) {
  int n = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p;) {
    size_t d = digit_at(p);
    n += d ? 1 : 0;
    p += d ? d : 1;
  }
  return n;
}

/* A SHA-256 in hex: its digits are the hash's, not anyone's code. */
static bool is_digest(const char *key, json_t *v) {
  const char *s = json_string_value(v);
  if (strcmp(key, "sha256") || !s || strlen(s) != 64) return false;
  for (; *s; s++)
    if (nibble(*s) < 0) return false;
  return true;
}

static int check_object(json_t *o, char *err, size_t errsz) {
  const char *key;
  json_t *v;
  json_object_foreach(o, key, v) {
    if (is_digest(key, v)) continue;
    if (secret_name(key)) return au_err(err, errsz, "field \"%s\" names a secret", key), PK_AUDIT_ESECRET;
    if (has_ten_digit_run(key) || (json_is_string(v) && has_ten_digit_run(json_string_value(v))))
      return au_err(err, errsz, "field \"%s\" holds a run of 10 digits (a full national code?)", key), PK_AUDIT_ESECRET;
    /* Levels and counts are small; a national code held as a number loses its leading zeros. */
    if (json_is_integer(v) && (json_integer_value(v) >= 1000000 || json_integer_value(v) <= -1000000))
      return au_err(err, errsz, "field \"%s\" holds a number of 7 or more digits (a national code?)", key), PK_AUDIT_ESECRET;
    if (!strcmp(key, "national_masked") && (!json_is_string(v) || digits_in(json_string_value(v)) > 6))
      return au_err(err, errsz, "national_masked shows more than 6 digits"), PK_AUDIT_ESECRET;
    if (!json_is_string(v) && !json_is_integer(v))
      return au_err(err, errsz, "field \"%s\" is not a string or an integer", key), PK_AUDIT_EINVAL;
  }
  return 0;
}

int pk_audit_check_fields(const char *fields_json, char *err, size_t errsz) {
  json_error_t je;
  json_t *o = fields_json ? json_loads(fields_json, JSON_REJECT_DUPLICATES, &je) : NULL;
  int rc = json_is_object(o) ? check_object(o, err, errsz) : (au_err(err, errsz, "fields are not a JSON object"), PK_AUDIT_EINVAL);
  json_decref(o);
  return rc;
}

static bool flat_entry(json_t *o) {
  const char *key;
  json_t *v;
  json_object_foreach(o, key, v) if (!json_is_string(v) && !json_is_integer(v)) return false;
  uint8_t h[32];
  json_t *seq = json_object_get(o, "seq");
  return json_is_integer(seq) && json_integer_value(seq) >= 1 && json_is_integer(json_object_get(o, "time")) &&
         json_is_string(json_object_get(o, "kiosk")) && json_is_string(json_object_get(o, "kind")) &&
         au_unhex(json_string_value(json_object_get(o, "prev")), h) == 0;
}

json_t *pk_audit_parse_line(const char *line, size_t len) {
  json_error_t je;
  json_t *o = len < AU_LINE_MAX ? json_loadb(line, len, JSON_REJECT_DUPLICATES, &je) : NULL;
  char *canon = json_is_object(o) && flat_entry(o) ? pk_jcs(line, len) : NULL;
  bool ok = canon && strlen(canon) == len && !memcmp(canon, line, len);
  free(canon);
  if (!ok) json_decref(o);
  return ok ? o : NULL;
}
