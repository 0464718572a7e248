/* Server-side check of submitted form values against the service's form schema, the way
 * the window refuses a request before an agency ever sees it. Values are strings with
 * ASCII digits (the kiosk converts Persian digits before sending). */
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

static int all_digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

int sim_national_code_valid(const char *s) {
  if (!s || strlen(s) != 10 || !all_digits(s, 10)) return 0;
  int sum = 0;
  for (int i = 0; i < 9; i++) sum += (s[i] - '0') * (10 - i);
  int r = sum % 11, c = s[9] - '0';
  return r < 2 ? c == r : c == 11 - r;
}

static size_t utf8_len(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xC0) != 0x80) n++;
  return n;
}

static int jalali_valid(const char *s) {
  /* YYYY/MM/DD */
  if (strlen(s) != 10 || s[4] != '/' || s[7] != '/') return 0;
  if (!all_digits(s, 4) || !all_digits(s + 5, 2) || !all_digits(s + 8, 2)) return 0;
  int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
  if (y < 1200 || y > 1500 || m < 1 || m > 12 || d < 1) return 0;
  return d <= (m <= 6 ? 31 : 30);
}

static int check_value(const json_t *f, const char *type, const char *v, const char **reason) {
  size_t n = strlen(v);
  json_int_t minl = json_integer_value(json_object_get(f, "min_length"));
  json_int_t maxl = json_integer_value(json_object_get(f, "max_length"));
  if (!strcmp(type, "text")) {
    size_t u = utf8_len(v);
    if ((minl && u < (size_t)minl) || (maxl && u > (size_t)maxl)) return *reason = "length", -1;
    for (const char *p = v; *p; p++)
      if ((unsigned char)*p < 0x20) return *reason = "control_character", -1;
  } else if (!strcmp(type, "digits")) {
    if (!all_digits(v, n)) return *reason = "not_digits", -1;
    if ((minl && n < (size_t)minl) || (maxl && n > (size_t)maxl)) return *reason = "length", -1;
  } else if (!strcmp(type, "national_code")) {
    if (!sim_national_code_valid(v)) return *reason = "national_code_checksum", -1;
  } else if (!strcmp(type, "mobile")) {
    if (n != 11 || strncmp(v, "09", 2) || !all_digits(v, n)) return *reason = "mobile_format", -1;
  } else if (!strcmp(type, "postal_code")) {
    if (n != 10 || !all_digits(v, n) || v[0] == '0') return *reason = "postal_code_format", -1;
  } else if (!strcmp(type, "jalali_date")) {
    if (!jalali_valid(v)) return *reason = "jalali_date_format", -1;
  } else if (!strcmp(type, "choice")) {
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(f, "choices"), i, c)
      if (!strcmp(json_string_value(json_object_get(c, "value")), v)) return 0;
    return *reason = "not_a_choice", -1;
  } else if (!strcmp(type, "amount")) {
    if (n == 0 || n > 15 || !all_digits(v, n)) return *reason = "amount_format", -1;
    long long a = atoll(v);
    if (a < json_integer_value(json_object_get(f, "min")) || a > json_integer_value(json_object_get(f, "max")))
      return *reason = "amount_range", -1;
  }
  return 0;
}

int sim_form_validate(const json_t *service, const json_t *fields, const char **bad_field, const char **reason) {
  if (!json_is_object(fields)) return *bad_field = "", *reason = "fields_not_object", -1;
  const json_t *list = json_object_get(json_object_get(service, "form"), "fields");
  size_t i;
  json_t *f;
  json_array_foreach(list, i, f) {
    const char *name = json_string_value(json_object_get(f, "name"));
    const char *type = json_string_value(json_object_get(f, "type"));
    json_t *v = json_object_get(fields, name);
    *bad_field = name;
    if (!v || (json_is_string(v) && !json_string_length(v))) {
      if (json_is_true(json_object_get(f, "required"))) return *reason = "required", -1;
      continue;
    }
    if (!json_is_string(v)) return *reason = "not_a_string", -1;
    if (check_value(f, type, json_string_value(v), reason)) return -1;
  }
  /* Unknown keys are refused: a form mismatch means the kiosk's catalog is stale. */
  const char *key;
  json_t *v;
  json_object_foreach((json_t *)fields, key, v) {
    int known = 0;
    json_array_foreach(list, i, f) known |= !strcmp(json_string_value(json_object_get(f, "name")), key);
    if (!known) return *bad_field = key, *reason = "unknown_field", -1;
  }
  return 0;
}
