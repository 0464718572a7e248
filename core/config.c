/* INI configuration through inih. Strings from the file are stored as given;
 * they are sanitized where they are shown, like every other outside string. */
#include "pishkhan/config.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pk_config_defaults(pk_config *c) {
  memset(c, 0, sizeof *c);
  snprintf(c->kiosk_id, sizeof c->kiosk_id, "KIOSK-0001");
  snprintf(c->lang, sizeof c->lang, "fa");
  c->bidi = PK_BIDI_APP;
  c->idle_timeout_s = 60;
  c->idle_warning_s = 10;
  snprintf(c->data_dir, sizeof c->data_dir, "/var/lib/pishkhan");
  snprintf(c->url, sizeof c->url, "https://127.0.0.1:8443/api/v1");
  c->connect_timeout_ms = 5000;
  c->total_timeout_ms = 20000;
  c->max_retries = 4;
  snprintf(c->printer, sizeof c->printer, "none");
  c->paper_mm = 80;
  c->log_level = 6;
}

typedef struct {
  pk_config *cfg;
  char *err;
  size_t errsz;
} load_ctx;

static int set_str(char *dst, size_t n, const char *v) {
  if (strlen(v) >= n) return -1;
  memcpy(dst, v, strlen(v) + 1);
  return 0;
}

static int set_int(int *dst, const char *v, int lo, int hi) {
  char *end;
  long x = strtol(v, &end, 10);
  if (*v == '\0' || *end != '\0' || x < lo || x > hi) return -1;
  *dst = (int)x;
  return 0;
}

static int set_bool(bool *dst, const char *v) {
  if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1")) *dst = true;
  else if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0")) *dst = false;
  else return -1;
  return 0;
}

#define S(sec, k) (!strcmp(section, sec) && !strcmp(name, k))
#define STR(field) set_str(c->field, sizeof c->field, value)

static int set_enum(pk_config *c, const char *section, const char *name, const char *value) {
  if (S("kiosk", "bidi")) {
    if (!strcmp(value, "app")) c->bidi = PK_BIDI_APP;
    else if (!strcmp(value, "terminal")) c->bidi = PK_BIDI_TERMINAL;
    else return -1;
    return 0;
  }
  if (S("kiosk", "theme")) {
    if (!strcmp(value, "default")) c->theme = PK_THEME_DEFAULT;
    else if (!strcmp(value, "high-contrast")) c->theme = PK_THEME_HIGH_CONTRAST;
    else if (!strcmp(value, "mono")) c->theme = PK_THEME_MONO;
    else return -1;
    return 0;
  }
  if (S("kiosk", "lang")) {
    if (strcmp(value, "fa") && strcmp(value, "en")) return -1;
    return STR(lang);
  }
  return 1; /* not an enum key */
}

/* Returns 0 set, -1 bad value, 1 unknown key. */
static int set_known(pk_config *c, const char *section, const char *name, const char *value) {
  int r = set_enum(c, section, name, value);
  if (r != 1) return r;
  if (S("kiosk", "id")) return STR(kiosk_id);
  if (S("kiosk", "office")) return STR(office);
  if (S("kiosk", "idle_timeout")) return set_int(&c->idle_timeout_s, value, 15, 3600);
  if (S("kiosk", "idle_warning")) return set_int(&c->idle_warning_s, value, 3, 60);
  if (S("kiosk", "kiosk_mode")) return set_bool(&c->kiosk_mode, value);
  if (S("kiosk", "data_dir")) return STR(data_dir);
  if (S("card", "reader")) return STR(reader_pattern);
  if (S("card", "issuer_ca")) return STR(issuer_ca);
  if (S("card", "crl")) return STR(crl);
  if (S("window", "url")) return STR(url);
  if (S("window", "ca_bundle")) return STR(ca_bundle);
  if (S("window", "client_cert")) return STR(client_cert);
  if (S("window", "client_key")) return STR(client_key);
  if (S("window", "pinned_pubkey")) return STR(pinned_pubkey);
  if (S("window", "proxy")) return STR(proxy);
  if (S("window", "connect_timeout_ms")) return set_int(&c->connect_timeout_ms, value, 100, 120000);
  if (S("window", "total_timeout_ms")) return set_int(&c->total_timeout_ms, value, 100, 600000);
  if (S("window", "max_retries")) return set_int(&c->max_retries, value, 0, 10);
  if (S("receipt", "jwks")) return STR(jwks);
  if (S("receipt", "device_key")) return STR(device_key);
  if (S("receipt", "printer")) return STR(printer);
  if (S("receipt", "printer_dest")) return STR(printer_dest);
  if (S("receipt", "paper_mm")) {
    if (strcmp(value, "58") && strcmp(value, "80")) return -1;
    return set_int(&c->paper_mm, value, 58, 80);
  }
  if (S("log", "level")) return set_int(&c->log_level, value, 0, 7);
  if (S("log", "stderr")) return set_bool(&c->log_stderr, value);
  return 1;
}

static int keep_extra(pk_config *c, const char *section, const char *name, const char *value) {
  pk_config_extra *e = calloc(1, sizeof *e);
  if (!e) return -1;
  e->section = strdup(section);
  e->key = strdup(name);
  e->value = strdup(value);
  e->next = c->extra;
  c->extra = e;
  return (e->section && e->key && e->value) ? 0 : -1;
}

static int on_entry(void *user, const char *section, const char *name, const char *value) {
  load_ctx *ctx = user;
  int r = set_known(ctx->cfg, section, name, value);
  if (r == 1) r = keep_extra(ctx->cfg, section, name, value);
  if (r != 0 && ctx->err[0] == '\0')
    snprintf(ctx->err, ctx->errsz, "invalid value for [%s] %s", section, name);
  return r == 0;
}

/* r: inih's answer (0, -1 cannot open, -2 no memory, else the first bad line). */
static int finish(int r, const char *what, char *err, size_t errsz) {
  if (r == -1 || r == -2) {
    snprintf(err, errsz, r == -1 ? "cannot open config file %s" : "out of memory reading %s", what);
    return -1;
  }
  if (r != 0) {
    if (err[0] == '\0') snprintf(err, errsz, "syntax error in config file");
    size_t n = strlen(err);
    snprintf(err + n, errsz - n, " (line %d)", r);
    return -1;
  }
  return 0;
}

int pk_config_load(pk_config *c, const char *path, char *err, size_t errsz) {
  char dummy[1];
  if (!err || errsz == 0) err = dummy, errsz = sizeof dummy;
  err[0] = '\0';
  load_ctx ctx = {c, err, errsz};
  return finish(ini_parse(path, on_entry, &ctx), path, err, errsz);
}

int pk_config_load_string(pk_config *c, const char *text, char *err, size_t errsz) {
  char dummy[1];
  if (!err || errsz == 0) err = dummy, errsz = sizeof dummy;
  err[0] = '\0';
  load_ctx ctx = {c, err, errsz};
  return finish(ini_parse_string(text, on_entry, &ctx), "config text", err, errsz);
}

const char *pk_config_get(const pk_config *c, const char *section, const char *key) {
  for (const pk_config_extra *e = c->extra; e; e = e->next)
    if (!strcmp(e->section, section) && !strcmp(e->key, key)) return e->value;
  return NULL;
}

void pk_config_free(pk_config *c) {
  pk_config_extra *e = c->extra;
  while (e) {
    pk_config_extra *n = e->next;
    free(e->section);
    free(e->key);
    free(e->value);
    free(e);
    e = n;
  }
  c->extra = NULL;
}
