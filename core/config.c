/* INI configuration through inih. Strings from the file are stored as given;
 * they are sanitized where they are shown, like every other outside string. */
#include "pishkhan/config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <openssl/sha.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void pk_config_defaults(pk_config *c) {
  memset(c, 0, sizeof *c);
  snprintf(c->kiosk_id, sizeof c->kiosk_id, "KIOSK-0001");
  snprintf(c->lang, sizeof c->lang, "fa");
  c->bidi = PK_BIDI_APP;
  c->idle_timeout_s = 60;
  c->idle_warning_s = 20; /* WCAG 2.2.1: at least 20 s to ask for more time */
  snprintf(c->data_dir, sizeof c->data_dir, "/var/lib/pishkhan");
  snprintf(c->url, sizeof c->url, "https://127.0.0.1:8443/api/v1");
  c->connect_timeout_ms = 5000;
  c->total_timeout_ms = 20000;
  c->max_retries = 4;
  snprintf(c->printer, sizeof c->printer, "none");
  c->crl_max_age_h = 72;
  c->crl_hard_limit_h = 168;
  c->queue_max_rows = 500;
  c->queue_max_age_days = 7;
  c->queue_parallel = 2;
  c->paper_mm = 80;
  c->print_confirm_ms = 10000;
  snprintf(c->pay_terminal, sizeof c->pay_terminal, "none");
  c->pay_sale_timeout_ms = 95000;
  c->desk_lock_s = 300;
  c->shift_max_h = 12;
  c->log_level = 6;
}

/* Every known key, with what it may hold: the one place that parses a value and the one that
 * says what is allowed when a value is refused. */
typedef enum { K_STR, K_INT, K_BOOL, K_ENUM, K_WORD } key_kind;
typedef struct {
  const char *section, *name;
  key_kind kind;
  size_t off, size;            /* the field in pk_config */
  int lo, hi;                  /* K_INT */
  const char *unit;            /* K_INT: what the number counts */
  const char *const *choices;  /* K_ENUM: index = value; K_WORD: the stored text; K_INT: allowed numbers */
} key_spec;

static const char *const bidi_modes[] = {"app", "terminal", NULL};
static const char *const themes[] = {"default", "high-contrast", "mono", NULL};
static const char *const langs[] = {"fa", "en", NULL};
static const char *const printers[] = {"none", "png", "escpos-tcp", "escpos-dev", "cups", NULL};
static const char *const paper_widths[] = {"58", "80", NULL};
static const char *const pay_terminals[] = {"none", "pos-tcp", "pos-serial", "qr", "counter", NULL};
static const char *const offline_modes[] = {"auto", "always", "never", NULL};
static const char *const faces[] = {"kiosk", "counter", NULL};
_Static_assert(sizeof(pk_bidi_mode) == sizeof(int) && sizeof(pk_theme) == sizeof(int) && sizeof(pk_offline_mode) == sizeof(int) &&
                   sizeof(pk_face) == sizeof(int),
               "K_ENUM stores an int");

#define F(field) offsetof(pk_config, field), sizeof(((pk_config *)0)->field)
static const key_spec keys[] = {
    {"kiosk", "id", K_STR, F(kiosk_id), 0, 0, NULL, NULL},
    {"kiosk", "office", K_STR, F(office), 0, 0, NULL, NULL},
    {"kiosk", "lang", K_WORD, F(lang), 0, 0, NULL, langs},
    {"kiosk", "bidi", K_ENUM, F(bidi), 0, 0, NULL, bidi_modes},
    {"kiosk", "idle_timeout", K_INT, F(idle_timeout_s), 30, 3600, "seconds", NULL},
    {"kiosk", "idle_warning", K_INT, F(idle_warning_s), 20, 120, "seconds", NULL},
    {"kiosk", "theme", K_ENUM, F(theme), 0, 0, NULL, themes},
    {"kiosk", "kiosk_mode", K_BOOL, F(kiosk_mode), 0, 0, NULL, NULL},
    {"kiosk", "data_dir", K_STR, F(data_dir), 0, 0, NULL, NULL},
    {"card", "reader", K_STR, F(reader_pattern), 0, 0, NULL, NULL},
    {"card", "issuer_ca", K_STR, F(issuer_ca), 0, 0, NULL, NULL},
    {"card", "crl", K_STR, F(crl), 0, 0, NULL, NULL},
    {"window", "url", K_STR, F(url), 0, 0, NULL, NULL},
    {"window", "ca_bundle", K_STR, F(ca_bundle), 0, 0, NULL, NULL},
    {"window", "client_cert", K_STR, F(client_cert), 0, 0, NULL, NULL},
    {"window", "client_key", K_STR, F(client_key), 0, 0, NULL, NULL},
    {"window", "pinned_pubkey", K_STR, F(pinned_pubkey), 0, 0, NULL, NULL},
    {"window", "proxy", K_STR, F(proxy), 0, 0, NULL, NULL},
    {"window", "connect_timeout_ms", K_INT, F(connect_timeout_ms), 100, 120000, "milliseconds", NULL},
    {"window", "total_timeout_ms", K_INT, F(total_timeout_ms), 100, 600000, "milliseconds", NULL},
    {"window", "max_retries", K_INT, F(max_retries), 0, 10, "retries", NULL},
    {"receipt", "jwks", K_STR, F(jwks), 0, 0, NULL, NULL},
    {"receipt", "device_key", K_STR, F(device_key), 0, 0, NULL, NULL},
    {"receipt", "printer", K_WORD, F(printer), 0, 0, NULL, printers},
    {"receipt", "printer_dest", K_STR, F(printer_dest), 0, 0, NULL, NULL},
    {"receipt", "paper_mm", K_INT, F(paper_mm), 58, 80, "mm", paper_widths},
    {"receipt", "confirm_timeout_ms", K_INT, F(print_confirm_ms), 500, 120000, "milliseconds", NULL},
    {"offline", "mode", K_ENUM, F(offline_mode), 0, 0, NULL, offline_modes},
    {"offline", "crl_max_age_h", K_INT, F(crl_max_age_h), 1, 8760, "hours", NULL},
    {"offline", "crl_hard_limit_h", K_INT, F(crl_hard_limit_h), 1, 8760, "hours", NULL},
    {"offline", "max_rows", K_INT, F(queue_max_rows), 1, 100000, "requests", NULL},
    {"offline", "max_age_days", K_INT, F(queue_max_age_days), 1, 90, "days", NULL},
    {"offline", "parallel", K_INT, F(queue_parallel), 1, 8, "deliveries", NULL},
    {"payment", "terminal", K_WORD, F(pay_terminal), 0, 0, NULL, pay_terminals},
    {"payment", "terminal_dest", K_STR, F(pay_terminal_dest), 0, 0, NULL, NULL},
    {"payment", "terminal_id", K_STR, F(pay_terminal_id), 0, 0, NULL, NULL},
    {"payment", "sale_timeout_ms", K_INT, F(pay_sale_timeout_ms), 10000, 300000, "milliseconds", NULL},
    {"counter", "mode", K_ENUM, F(face), 0, 0, NULL, faces},
    {"counter", "clerk_reader", K_STR, F(clerk_reader), 0, 0, NULL, NULL},
    {"counter", "citizen_reader", K_STR, F(citizen_reader), 0, 0, NULL, NULL},
    {"counter", "citizen_keypad", K_STR, F(citizen_keypad), 0, 0, NULL, NULL},
    {"counter", "desk_lock", K_INT, F(desk_lock_s), 30, 3600, "seconds", NULL},
    {"counter", "shift_max_h", K_INT, F(shift_max_h), 1, 24, "hours", NULL},
    {"counter", "pinned", K_STR, F(pinned), 0, 0, NULL, NULL},
    {"metrics", "textfile_dir", K_STR, F(metrics_dir), 0, 0, NULL, NULL},
    {"log", "level", K_INT, F(log_level), 0, 7, "(syslog: 3 errors, 4 warnings, 6 info, 7 debug)", NULL},
    {"log", "stderr", K_BOOL, F(log_stderr), 0, 0, NULL, NULL},
};
#define NKEYS (sizeof keys / sizeof keys[0])

/* The source is read line by line by our own reader, so that each key knows its line and a
 * line too long for inih's buffer is refused instead of being split into a bogus next line. */
typedef struct {
  pk_config *cfg;
  const char *pos, *end;
  int line;
  char section[64];   /* of the line being read, for messages about the line itself */
  bool stop;
  int err_line;       /* 0: no error yet */
  char *err;
  size_t errsz;
  int key_line[NKEYS]; /* where each known key was last set; 0 = not in this source */
} load_ctx;

static void fail(load_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(load_ctx *ctx, const char *fmt, ...) {
  if (ctx->err_line) return; /* the first problem is the one to fix first */
  ctx->err_line = ctx->line;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ctx->err, ctx->errsz, fmt, ap);
  va_end(ap);
}

static int choice_index(const char *const *choices, const char *v) {
  for (int i = 0; choices[i]; i++)
    if (!strcmp(choices[i], v)) return i;
  return -1;
}

static int parse_int(const key_spec *k, const char *v, int *out) {
  if (k->choices && choice_index(k->choices, v) < 0) return -1;
  char *end;
  errno = 0;
  long x = strtol(v, &end, 10);
  if (*v == '\0' || *end != '\0' || errno || x < k->lo || x > k->hi) return -1;
  *out = (int)x;
  return 0;
}

static int parse_value(const key_spec *k, const char *v, pk_config *c) {
  char *field = (char *)c + k->off;
  int i = 0;
  switch (k->kind) {
  case K_STR:
    if (strlen(v) >= k->size) return -1;
    memcpy(field, v, strlen(v) + 1);
    return 0;
  case K_WORD:
    if (choice_index(k->choices, v) < 0) return -1;
    snprintf(field, k->size, "%s", v);
    return 0;
  case K_ENUM:
    if ((i = choice_index(k->choices, v)) < 0) return -1;
    memcpy(field, &i, sizeof i);
    return 0;
  case K_INT:
    if (parse_int(k, v, &i)) return -1;
    memcpy(field, &i, sizeof i);
    return 0;
  case K_BOOL: {
    static const char *const yes[] = {"true", "yes", "1", NULL}, *const no[] = {"false", "no", "0", NULL};
    bool b = choice_index(yes, v) >= 0;
    if (!b && choice_index(no, v) < 0) return -1;
    memcpy(field, &b, sizeof b);
    return 0;
  }
  }
  return -1;
}

static void join_choices(const char *const *choices, char *out, size_t n) {
  out[0] = '\0';
  for (int i = 0; choices[i]; i++) {
    size_t len = strlen(out);
    snprintf(out + len, n - len, "%s%s", i ? " | " : "", choices[i]);
  }
}

/* What a key may hold, in the words of packaging/pishkhan.conf. */
static void describe_allowed(const key_spec *k, char *out, size_t n) {
  char list[128];
  switch (k->kind) {
  case K_STR: snprintf(out, n, "text of at most %zu bytes", k->size - 1); return;
  case K_BOOL: snprintf(out, n, "true or false (also yes/no, 1/0)"); return;
  case K_ENUM:
  case K_WORD: join_choices(k->choices, list, sizeof list); snprintf(out, n, "one of %s", list); return;
  case K_INT:
    if (k->choices) {
      join_choices(k->choices, list, sizeof list);
      snprintf(out, n, "%s %s", list, k->unit);
    } else {
      snprintf(out, n, "a whole number from %d to %d %s", k->lo, k->hi, k->unit);
    }
    return;
  }
}

static const key_spec *find_key(const char *section, const char *name) {
  for (size_t i = 0; i < NKEYS; i++)
    if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name)) return &keys[i];
  return NULL;
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
  const key_spec *k = find_key(section, name);
  if (!k) {
    if (keep_extra(ctx->cfg, section, name, value) == 0) return 1;
    fail(ctx, "out of memory for [%s] %s (line %d)", section, name, ctx->line);
    return 0;
  }
  ctx->key_line[k - keys] = ctx->line;
  if (parse_value(k, value, ctx->cfg) == 0) return 1;
  char allowed[192];
  describe_allowed(k, allowed, sizeof allowed);
  /* The value itself is not echoed: it comes from outside and may hold anything. */
  fail(ctx, "invalid value for [%s] %s (line %d); allowed: %s", section, name, ctx->line, allowed);
  return 0;
}

/* The section a line opens, tracked only to name it when the line itself is refused. */
static void note_section(load_ctx *ctx, const char *line, size_t len) {
  const char *p = line, *end = line + len;
  while (p < end && (*p == ' ' || *p == '\t')) p++;
  if (p == end || *p != '[') return;
  const char *close = memchr(p, ']', (size_t)(end - p));
  if (close) snprintf(ctx->section, sizeof ctx->section, "%.*s", (int)(close - p - 1), p + 1);
}

/* The key a refused line starts with, if it looks like one. */
static void line_key(const char *line, size_t len, char *out, size_t n) {
  size_t i = 0, k = 0;
  while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
  while (i < len && k + 1 < n && (isalnum((unsigned char)line[i]) || line[i] == '_' || line[i] == '-'))
    out[k++] = line[i++];
  out[k] = '\0';
}

static void refuse_line(load_ctx *ctx, const char *line, size_t len, const char *why) {
  char key[64];
  line_key(line, len, key, sizeof key);
  fail(ctx, "[%s] %s (line %d): %s", ctx->section, key[0] ? key : "?", ctx->line, why);
  ctx->stop = true;
}

/* ini_reader: hands inih one line of the text at a time, fgets-style. */
static char *next_line(char *buf, int num, void *stream) {
  load_ctx *ctx = stream;
  if (ctx->stop || ctx->pos >= ctx->end) return NULL;
  const char *nl = memchr(ctx->pos, '\n', (size_t)(ctx->end - ctx->pos));
  size_t len = nl ? (size_t)(nl - ctx->pos) + 1 : (size_t)(ctx->end - ctx->pos);
  const char *line = ctx->pos;
  ctx->pos += len;
  ctx->line++;
  note_section(ctx, line, len);
  char why[96];
  if (len > (size_t)num - 1) {
    snprintf(why, sizeof why, "the line is %zu bytes long; allowed: at most %d bytes on one line", len - (nl != NULL),
             num - 2);
    refuse_line(ctx, line, len, why);
    return NULL;
  }
  if (memchr(line, '\0', len)) {
    refuse_line(ctx, line, len, "a NUL byte; allowed: text only");
    return NULL;
  }
  memcpy(buf, line, len);
  buf[len] = '\0';
  return buf;
}

/* Limits that involve two keys: reported at the line of whichever of the two came later. */
static void check_pair(load_ctx *ctx, const char *section, const char *small, const char *big, bool strict) {
  const key_spec *a = find_key(section, small), *b = find_key(section, big);
  int va, vb, la = ctx->key_line[a - keys], lb = ctx->key_line[b - keys];
  memcpy(&va, (char *)ctx->cfg + a->off, sizeof va);
  memcpy(&vb, (char *)ctx->cfg + b->off, sizeof vb);
  if ((la == 0 && lb == 0) || (strict ? va < vb : va <= vb)) return;
  ctx->line = la > lb ? la : lb;
  fail(ctx, "invalid value for [%s] %s (line %d); allowed: %s %s than %s (%d)", section, la > lb ? small : big,
       ctx->line, small, strict ? "shorter" : "no longer", big, vb);
}

static void remember_text(pk_config *c, const char *text, size_t len) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256((const unsigned char *)text, len, md);
  for (size_t i = 0; i < sizeof md; i++) snprintf(c->text_sha256 + 2 * i, 3, "%02x", md[i]);
}

static int parse_text(pk_config *c, const char *text, size_t len, char *err, size_t errsz) {
  remember_text(c, text, len);
  load_ctx ctx = {.cfg = c, .pos = text, .end = text + len, .err = err, .errsz = errsz};
  snprintf(ctx.section, sizeof ctx.section, "%s", "");
  int r = ini_parse_stream(next_line, &ctx, on_entry, &ctx);
  if (r == -2) {
    snprintf(err, errsz, "out of memory reading the settings");
    return -1;
  }
  if (r > 0 && (ctx.err_line == 0 || r < ctx.err_line))
    snprintf(err, errsz, "syntax error (line %d); allowed: [section], key = value, or a ; comment", r);
  else if (ctx.err_line == 0) {
    check_pair(&ctx, "kiosk", "idle_warning", "idle_timeout", true);
    check_pair(&ctx, "window", "connect_timeout_ms", "total_timeout_ms", false);
    check_pair(&ctx, "offline", "crl_max_age_h", "crl_hard_limit_h", false);
  }
  return (r != 0 || ctx.err_line) ? -1 : 0;
}

/* A settings file is a few kilobytes; more is a wrong path (a log, an image). */
#define PK_CONFIG_MAX_BYTES (1 << 20)

static char *read_all(int fd, size_t *len, const char *path, char *err, size_t errsz) {
  size_t cap = 0, n = 0;
  char *buf = NULL;
  for (;;) {
    if (n == cap) {
      if (cap >= PK_CONFIG_MAX_BYTES) {
        snprintf(err, errsz, "%s has %d bytes or more; allowed: a settings file", path, PK_CONFIG_MAX_BYTES);
        break;
      }
      char *grown = realloc(buf, cap = cap ? cap * 2 : 4096);
      if (!grown) {
        snprintf(err, errsz, "out of memory reading %s", path);
        break;
      }
      buf = grown;
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r > 0) {
      n += (size_t)r;
    } else if (r == 0) {
      *len = n;
      return buf;
    } else if (errno != EINTR) {
      snprintf(err, errsz, "cannot read %s: %s", path, strerror(errno));
      break;
    }
  }
  free(buf);
  return NULL;
}

static char *read_config_file(const char *path, size_t *len, char *err, size_t errsz) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    snprintf(err, errsz, "cannot open config file %s: %s", path, strerror(errno));
    return NULL;
  }
  struct stat st;
  char *text = NULL;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
    snprintf(err, errsz, "%s is a directory; allowed: a settings file (for example %s/pishkhan.conf)", path, path);
  else
    text = read_all(fd, len, path, err, errsz);
  close(fd);
  return text;
}

int pk_config_load(pk_config *c, const char *path, char *err, size_t errsz) {
  char dummy[1];
  if (!err || errsz == 0) err = dummy, errsz = sizeof dummy;
  err[0] = '\0';
  size_t len = 0;
  char *text = read_config_file(path, &len, err, errsz);
  if (!text) return -1;
  int r = parse_text(c, text, len, err, errsz);
  free(text);
  return r;
}

int pk_config_load_string(pk_config *c, const char *text, char *err, size_t errsz) {
  char dummy[1];
  if (!err || errsz == 0) err = dummy, errsz = sizeof dummy;
  err[0] = '\0';
  return parse_text(c, text, strlen(text), err, errsz);
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

size_t pk_config_key_count(void) { return NKEYS; }

/* The default as text: the inverse of parse_value. */
static void default_text(const key_spec *k, const pk_config *c, char *out, size_t n) {
  const char *field = (const char *)c + k->off;
  int i;
  switch (k->kind) {
  case K_STR:
  case K_WORD: snprintf(out, n, "%s", field); return;
  case K_BOOL: snprintf(out, n, "%s", *(const bool *)field ? "true" : "false"); return;
  case K_ENUM: memcpy(&i, field, sizeof i); snprintf(out, n, "%s", k->choices[i]); return;
  case K_INT: memcpy(&i, field, sizeof i); snprintf(out, n, "%d", i); return;
  }
}

void pk_config_key_describe(size_t i, pk_config_key_info *out) {
  const key_spec *k = &keys[i];
  pk_config d;
  pk_config_defaults(&d);
  out->section = k->section;
  out->name = k->name;
  describe_allowed(k, out->allowed, sizeof out->allowed);
  default_text(k, &d, out->value, sizeof out->value);
}
