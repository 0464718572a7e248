/* The audit log's command line: verify names the first entry out of place, in Persian then
 * English; show prints the entries with Jalali (fa) or Gregorian (en) dates, or as JSON. */
#include "pishkhan/audit_cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pishkhan/audit.h"
#include "pishkhan/config.h"
#include "pishkhan/i18n.h"
#include "pishkhan/module_opts.h"

typedef struct {
  pk_config cfg;
  const char *log, *jwks;
  char log_buf[PK_CFG_STR + 16];
  bool json;
  int64_t since;
} actx;

static int usage(void) {
  fprintf(stderr, "%s\n", pk_tr_fa("Usage: pishkhan audit [--config FILE] [--log FILE] verify [--jwks FILE] | show [--since YYYY-MM-DD] [--json] [--lang fa|en]"));
  fprintf(stderr, "Usage: pishkhan audit [--config FILE] [--log FILE] verify [--jwks FILE] | show [--since YYYY-MM-DD] [--json] [--lang fa|en]\n");
  return 2;
}

/* One sentence in Persian and then the same in English; Persian digits unless it names a path,
 * which must stay as typed. */
static void say(FILE *out, const char *msgid, ...) __attribute__((format(printf, 2, 3)));
static void say(FILE *out, const char *msgid, ...) {
  char fa[512], en[512];
  va_list ap, ap2;
  va_start(ap, msgid);
  va_copy(ap2, ap);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  vsnprintf(fa, sizeof fa, pk_tr_fa(msgid), ap);
#pragma GCC diagnostic pop
  vsnprintf(en, sizeof en, msgid, ap2);
  va_end(ap2);
  va_end(ap);
  char *fa_digits = strstr(msgid, "%s") ? NULL : pk_digits_to_persian(fa);
  fprintf(out, "%s\n%s\n", fa_digits ? fa_digits : fa, en);
  free(fa_digits);
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "re");
  char *text = NULL;
  size_t len = 0;
  FILE *m = f ? open_memstream(&text, &len) : NULL;
  char buf[4096];
  size_t got;
  while (m && (got = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, got, m);
  if (m) fclose(m);
  if (f) fclose(f);
  return text;
}

static void say_broken(const pk_audit_report *r) {
  unsigned long long line = r->line, seq = r->seq;
  switch (r->verdict) {
  case PK_AUDIT_V_CHANGED: say(stdout, N_("Line %llu (seq %llu): this entry was changed."), line, seq); break;
  case PK_AUDIT_V_REMOVED: say(stdout, N_("Line %llu: the entry seq %llu was removed before this line."), line, seq); break;
  case PK_AUDIT_V_INSERTED: say(stdout, N_("Line %llu (seq %llu expected): an entry was inserted here."), line, seq); break;
  case PK_AUDIT_V_REORDERED: say(stdout, N_("Lines %llu and %llu (seq %llu): these entries were swapped."), line, line + 1, seq); break;
  case PK_AUDIT_V_CHECKPOINT: say(stdout, N_("Line %llu (seq %llu): this checkpoint does not verify."), line, seq); break;
  case PK_AUDIT_V_TORN: say(stdout, N_("Line %llu: the last line is incomplete (a crash while writing)."), line); break;
  case PK_AUDIT_V_TRUNCATED: say(stdout, N_("The log ends before seq %llu, which its last checkpoint signed: entries were removed from the end."), seq); break;
  default: say(stdout, N_("The audit log cannot be read.")); break;
  }
  printf("(%s)\n", r->detail);
}

static int cmd_verify(actx *q) {
  char *jwks = NULL;
  char *djwks = q->jwks ? NULL : pk_config_device_jwks_path(&q->cfg);
  const char *jpath = q->jwks ? q->jwks : djwks;
  if (jpath && !(jwks = slurp(jpath)) && q->jwks) {
    say(stderr, N_("The key file %s cannot be read."), q->jwks);
    return free(djwks), 2;
  }
  free(djwks);
  pk_audit_report r;
  int rc = pk_audit_verify(q->log, jwks, &r);
  bool checked = jwks != NULL;
  free(jwks);
  if (rc < 0) {
    say(stderr, N_("The audit log %s cannot be read."), q->log);
    return 2;
  }
  if (rc) return say_broken(&r), 1;
  say(stdout, N_("The audit log is intact: %llu entries, %llu checkpoints."), (unsigned long long)r.entries,
      (unsigned long long)r.checkpoints);
  if (r.unsigned_tail) say(stdout, N_("%llu entries after the last checkpoint are not signed yet."), (unsigned long long)r.unsigned_tail);
  if (!checked) say(stdout, N_("Signatures were not checked: no device JWKS."));
  printf("head %s\n", r.head_hex);
  return 0;
}

static const char *kind_title(const char *kind) {
  static const char *const titles[][2] = {
      {"clerk_login", N_("clerk logged in")},       {"clerk_logout", N_("clerk logged out")},
      {"clerk_lock", N_("counter locked")},         {"citizen_auth", N_("citizen authenticated")},
      {"request_submitted", N_("request submitted")}, {"request_queued", N_("request queued")},
      {"request_delivered", N_("request delivered")}, {"request_failed", N_("request failed")},
      {"print", N_("receipt printed")},             {"reprint", N_("receipt reprinted")},
      {"config_at_start", N_("settings at start")}, {"queue_export", N_("queue exported")},
      {"queue_import", N_("queue imported")},       {"checkpoint", N_("signed checkpoint")},
      {"cash_received", N_("cash received")},       {"cash_refunded", N_("cash given back")},
      {"torn_tail", N_("incomplete last line cut off after a crash")}};
  for (size_t i = 0; i < sizeof titles / sizeof *titles; i++)
    if (!strcmp(titles[i][0], kind)) return pk_tr(titles[i][1]);
  return kind;
}

static void when(int64_t t, char *out, size_t outsz) {
  time_t tt = (time_t)t;
  struct tm tm;
  localtime_r(&tt, &tm);
  int jy, jm, jd;
  char *date = pk_i18n_lang() == PK_LANG_FA && !pk_jalali_from_time(t, &jy, &jm, &jd)
                   ? pk_jalali_format(jy, jm, jd, PK_JDATE_NUMERIC) : NULL;
  char hm[16];
  strftime(hm, sizeof hm, "%H:%M", &tm);
  char *hm_local = date ? pk_digits_localize(hm) : NULL;
  if (date) snprintf(out, outsz, "%s %s", date, hm_local ? hm_local : hm);
  else strftime(out, outsz, "%Y-%m-%d %H:%M", &tm);
  free(hm_local);
  free(date);
}

/* A number in the UI language's digits; ids, references and hashes stay as written. */
static int put_number(char *out, size_t outsz, const char *fmt, long long v) {
  char ascii[32];
  snprintf(ascii, sizeof ascii, "%lld", v);
  char *local = pk_digits_localize(ascii);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  int n = snprintf(out, outsz, fmt, local ? local : ascii);
#pragma GCC diagnostic pop
  free(local);
  return n;
}

/* The fields an inspector reads; the chain's own (prev, jws) only in --json. */
static void print_entry(const json_t *e) {
  char date[64], line[1024];
  when(json_integer_value(json_object_get(e, "time")), date, sizeof date);
  int n = snprintf(line, sizeof line, "%s  ", date);
  n += put_number(line + n, sizeof line - (size_t)n, "#%s", json_integer_value(json_object_get(e, "seq")));
  n += snprintf(line + n, sizeof line - (size_t)n, "  %s", kind_title(json_string_value(json_object_get(e, "kind"))));
  const char *key;
  json_t *v;
  json_object_foreach((json_t *)e, key, v) {
    if (!strcmp(key, "seq") || !strcmp(key, "time") || !strcmp(key, "kind") || !strcmp(key, "prev") ||
        !strcmp(key, "jws") || (size_t)n >= sizeof line - 1)
      continue;
    n += snprintf(line + n, sizeof line - (size_t)n, "  %s=", key);
    if ((size_t)n >= sizeof line - 1) break;
    n += json_is_string(v) ? snprintf(line + n, sizeof line - (size_t)n, "%s", json_string_value(v))
                           : put_number(line + n, sizeof line - (size_t)n, "%s", json_integer_value(v));
  }
  puts(line);
}

static int cmd_show(actx *q) {
  FILE *f = fopen(q->log, "re");
  if (!f) return say(stderr, N_("The audit log %s cannot be read."), q->log), 2;
  json_t *all = q->json ? json_array() : NULL;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int bad = 0;
  while ((n = getline(&line, &cap, f)) > 0) {
    json_t *e = line[n - 1] == '\n' ? pk_audit_parse_line(line, (size_t)n - 1) : NULL;
    bad |= !e;
    if (e && json_integer_value(json_object_get(e, "time")) >= q->since) {
      if (all) json_array_append(all, e);
      else print_entry(e);
    }
    json_decref(e);
  }
  free(line);
  fclose(f);
  if (all) json_dumpf(all, stdout, JSON_INDENT(1)), putchar('\n');
  json_decref(all);
  if (bad) say(stderr, N_("Some lines are not audit entries: run pishkhan audit verify."));
  return bad ? 1 : 0;
}

/* YYYY-MM-DD, Gregorian or (year below 1700) Jalali, any digits: local midnight. */
static bool parse_since(const char *text, int64_t *out) {
  char *ascii = pk_digits_to_ascii(text);
  int y, m, d, gy, gm, gd;
  char tail;
  bool ok = ascii && sscanf(ascii, "%d-%d-%d%c", &y, &m, &d, &tail) == 3;
  free(ascii);
  if (ok && y < 1700) ok = pk_gregorian_from_jalali(y, m, d, &gy, &gm, &gd) == 0, y = gy, m = gm, d = gd;
  struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_isdst = -1};
  time_t t = ok ? mktime(&tm) : (time_t)-1;
  *out = (int64_t)t;
  return ok && t != (time_t)-1;
}

enum { O_JSON = 256, O_LOG, O_JWKS, O_SINCE, O_LANG };

static int options(actx *q, int argc, char **argv) {
  static const struct option opts[] = {{"config", required_argument, NULL, 'c'}, {"json", no_argument, NULL, O_JSON},
                                       {"log", required_argument, NULL, O_LOG},   {"jwks", required_argument, NULL, O_JWKS},
                                       {"since", required_argument, NULL, O_SINCE}, {"lang", required_argument, NULL, O_LANG},
                                       {NULL, 0, NULL, 0}};
  char err[512];
  int c;
  while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
    if (c == 'c' && pk_config_load(&q->cfg, optarg, err, sizeof err) != 0) {
      fprintf(stderr, "%s\npishkhan: %s: %s\n", pk_tr_fa("The settings file could not be used."), optarg, err);
      return 2;
    }
    if (c == O_JSON) q->json = true;
    else if (c == O_LOG) q->log = optarg;
    else if (c == O_JWKS) q->jwks = optarg;
    else if (c == O_SINCE && !parse_since(optarg, &q->since)) return usage();
    else if (c == O_LANG) pk_i18n_set_lang(pk_lang_from_code(optarg));
    else if (c == '?') return 2;
  }
  return 0;
}

int pk_audit_cli(int argc, char **argv) {
  actx q = {0};
  pk_config_defaults(&q.cfg);
  optind = 1;
  int rc = options(&q, argc, argv);
  if (!q.log) snprintf(q.log_buf, sizeof q.log_buf, "%s/audit.log", q.cfg.data_dir), q.log = q.log_buf;
  if (!rc && optind < argc && !strcmp(argv[optind], "verify")) rc = cmd_verify(&q);
  else if (!rc && optind < argc && !strcmp(argv[optind], "show")) rc = cmd_show(&q);
  else if (!rc) rc = usage();
  pk_config_free(&q.cfg);
  pk_i18n_shutdown();
  return rc;
}
