/* `pishkhan doctor`: each check looks at one thing a kiosk needs and says, when it is wrong,
 * what a technician should do. Checks read files and ask services; they never write. */
#include "pishkhan/doctor.h"

#include <jansson.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <winscard.h>

#include "pishkhan/i18n.h"
#include "pishkhan/module_opts.h"
#include "pishkhan/net.h"
#include "pishkhan/outbox.h"
#include "pishkhan/receipt.h"

#define DAY 86400
/* Less free space than this and a request may fail to be recorded (the outbox refuses). */
#define DISK_CRITICAL_BYTES (64ull << 20)
#define DISK_WARNING_BYTES (256ull << 20)
#define CERT_WARNING_DAYS 30
#define SKEW_WARNING_S 60
/* The window refuses a sealed request more than 10 minutes ahead of its clock. */
#define SKEW_CRITICAL_S 300

typedef struct {
  const pk_config *cfg;
  const pk_doctor_opts *o;
  pk_doctor_report *r;
  int64_t now;
  pk_net_probe probe;
  bool probed;
} doctor;

const char *pk_doctor_severity_name(pk_doctor_severity s) {
  static const char *const n[] = {"info", "warning", "critical"};
  return (unsigned)s < 3 ? n[s] : "info";
}

/* pk_tr, told to the compiler as gettext is: the translation keeps the msgid's arguments. */
__attribute__((format_arg(1))) static const char *tr(const char *msgid) { return pk_tr(msgid); }

static void say(doctor *d, const char *name, bool ok, pk_doctor_severity sev, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void say(doctor *d, const char *name, bool ok, pk_doctor_severity sev, const char *fmt, ...) {
  if (d->r->n >= PK_DOCTOR_MAX) return;
  pk_doctor_check *c = &d->r->checks[d->r->n++];
  c->name = name;
  c->ok = ok;
  c->severity = sev;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->message, sizeof c->message, tr(fmt), ap);
  va_end(ap);
}

/* Text from outside (reader names, file contents) is shown only sanitized. */
static void clean(const char *in, char *out, size_t n) {
  char *s = pk_sanitize(in ? in : "", n - 1);
  snprintf(out, n, "%s", s ? s : "");
  free(s);
}

static long days_until(const doctor *d, int64_t t) { return (long)((t - d->now) / DAY); }

static int64_t asn1_unix(const ASN1_TIME *t) {
  struct tm tm;
  return t && ASN1_TIME_to_tm(t, &tm) == 1 ? (int64_t)timegm(&tm) : 0;
}

/* ---- settings ---- */
static void check_config(doctor *d) {
  if (d->o->config_error)
    say(d, "config", false, PK_DOCTOR_CRITICAL,
        N_("The settings file %s has a mistake: %s. Correct it; the kiosk does not start until then."),
        d->o->config_path ? d->o->config_path : "-", d->o->config_error);
  else
    say(d, "config", true, PK_DOCTOR_INFO, N_("Settings: %s"),
        d->o->config_path ? d->o->config_path : tr(N_("compiled-in defaults")));
}

/* ---- card reader ---- */
static bool card_in(SCARDCONTEXT ctx, const char *reader) {
  SCARD_READERSTATE st = {.szReader = reader, .dwCurrentState = SCARD_STATE_UNAWARE};
  return SCardGetStatusChange(ctx, 0, &st, 1) == SCARD_S_SUCCESS && (st.dwEventState & SCARD_STATE_PRESENT);
}

static void check_readers(doctor *d, SCARDCONTEXT ctx) {
  DWORD len = 0;
  char *list = NULL;
  LONG rv = SCardListReaders(ctx, NULL, NULL, &len);
  if (rv == SCARD_S_SUCCESS && (list = calloc(1, len + 1))) rv = SCardListReaders(ctx, NULL, list, &len);
  int readers = 0, cards = 0;
  char first[128] = "";
  const char *pat = d->cfg->reader_pattern;
  for (const char *p = list && rv == SCARD_S_SUCCESS ? list : ""; *p; p += strlen(p) + 1) {
    if (pat[0] && !strstr(p, pat)) continue;
    if (!readers++) clean(p, first, sizeof first);
    cards += card_in(ctx, p);
  }
  free(list);
  if (!readers && pat[0])
    say(d, "reader", false, PK_DOCTOR_CRITICAL,
        N_("No card reader named like \"%s\" ([card] reader) is connected. Plug the reader in (USB), or correct "
           "[card] reader; citizens cannot sign in without it."),
        pat);
  else if (!readers)
    say(d, "reader", false, PK_DOCTOR_CRITICAL,
        N_("No card reader is connected. Plug the reader in (USB) and check its cable; citizens cannot sign in "
           "without it."));
  else
    say(d, "reader", true, PK_DOCTOR_INFO, N_("Card readers: %d (%s); cards in them: %d"), readers, first, cards);
}

static void check_pcsc(doctor *d) {
  SCARDCONTEXT ctx;
  LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
  if (rv != SCARD_S_SUCCESS) {
    say(d, "pcscd", false, PK_DOCTOR_CRITICAL,
        N_("The smart card service (pcscd) does not answer (%s). Start it: systemctl start pcscd.socket"),
        pcsc_stringify_error(rv));
    return;
  }
  say(d, "pcscd", true, PK_DOCTOR_INFO, N_("The smart card service (pcscd) answers."));
  check_readers(d, ctx);
  SCardReleaseContext(ctx);
}

/* ---- printer ---- */
static void check_printer(doctor *d) {
  pk_printer_opts po;
  pk_config_printer_opts(d->cfg, &po);
  char detail[160] = "", why[160];
  pk_printer_state_t s = pk_printer_state(&po, detail, sizeof detail);
  clean(detail, why, sizeof why);
  switch (s) {
  case PK_PRINTER_READY: say(d, "printer", true, PK_DOCTOR_INFO, N_("The receipt printer is ready.")); break;
  case PK_PRINTER_NONE:
    say(d, "printer", true, PK_DOCTOR_INFO, N_("No receipt printer is configured ([receipt] printer = none)."));
    break;
  case PK_PRINTER_PAPER_LOW:
    say(d, "printer", false, PK_DOCTOR_WARNING, N_("The receipt printer's paper is low: put in a new roll soon."));
    break;
  case PK_PRINTER_PAPER_OUT:
    say(d, "printer", false, PK_DOCTOR_WARNING, N_("The receipt printer is out of paper: put in a new roll."));
    break;
  default:
    say(d, "printer", false, PK_DOCTOR_WARNING,
        N_("The receipt printer does not answer (%s): check its power and cable, and [receipt] printer_dest."),
        why[0] ? why : pk_printer_state_name(s));
  }
}

/* ---- the window ---- */
static void probed(const pk_net_probe *p, void *ud) {
  doctor *d = ud;
  d->probe = *p;
  d->probed = true;
}

static void probe_window(doctor *d) {
  pk_loop *loop = pk_loop_new();
  char *err = NULL;
  pk_net *net = loop ? pk_net_new_config(loop, d->cfg, &err) : NULL;
  if (net && pk_net_probe_window(net, probed, d)) {
    while (!d->probed) pk_loop_run_once(loop, 1000);
  } else {
    d->probed = true;
    d->probe.st.err = PK_NET_TLS; /* pk_net_new refuses only settings it cannot use */
    snprintf(d->probe.st.detail, sizeof d->probe.st.detail, "%s", err ? err : "out of memory");
  }
  free(err);
  pk_net_free(net);
  pk_loop_free(loop);
}

static void check_window(doctor *d) {
  probe_window(d);
  const pk_net_result *st = &d->probe.st;
  char why[256];
  clean(st->detail[0] ? st->detail : st->code, why, sizeof why);
  switch (st->err) {
  case PK_NET_OK: say(d, "window", true, PK_DOCTOR_INFO, N_("The window answers at %s."), d->cfg->url); return;
  case PK_NET_OFFLINE:
  case PK_NET_TIMEOUT:
    say(d, "window", false, PK_DOCTOR_CRITICAL,
        N_("The window at %s cannot be reached (%s). Check the network cable or modem, and [window] url; "
           "requests wait in the offline queue meanwhile."),
        d->cfg->url, why);
    return;
  case PK_NET_TLS:
  case PK_NET_AUTH:
    say(d, "window", false, PK_DOCTOR_CRITICAL,
        N_("The secure connection to the window failed (%s). Check the kiosk's certificate and key and "
           "[window] ca_bundle; ask the window's operator whether this kiosk's certificate is registered."),
        why);
    return;
  default:
    say(d, "window", false, PK_DOCTOR_CRITICAL,
        N_("The window at %s answered with an error (%s, HTTP %d). Try again later; if it lasts, call the "
           "window's support."),
        d->cfg->url, why, st->http_status);
  }
}

static void cert_expiry(doctor *d, const char *name, const char *what, int64_t not_after, int warn_days) {
  long days = days_until(d, not_after);
  if (days < 0)
    say(d, name, false, PK_DOCTOR_CRITICAL, N_("%s expired %ld days ago: install a new one now."), what, -days);
  else if (days < warn_days)
    say(d, name, false, PK_DOCTOR_WARNING, N_("%s expires in %ld days: order a new one."), what, days);
  else
    say(d, name, true, PK_DOCTOR_INFO, N_("%s is valid for %ld more days."), what, days);
}

static void check_window_cert(doctor *d) {
  const char *what = tr(N_("The window's TLS certificate"));
  if (d->probe.peer_not_after)
    cert_expiry(d, "window_cert", what, d->probe.peer_not_after, CERT_WARNING_DAYS);
  else
    say(d, "window_cert", false, PK_DOCTOR_INFO, N_("%s was not seen: the window was not reached."), what);
}

static void check_clock(doctor *d) {
  if (!d->probe.server_date) {
    say(d, "clock", false, PK_DOCTOR_INFO, N_("The clock was not compared: the window was not reached."));
    return;
  }
  long skew = (long)(d->now - d->probe.server_date);
  long mag = skew < 0 ? -skew : skew;
  pk_doctor_severity sev = mag > SKEW_CRITICAL_S ? PK_DOCTOR_CRITICAL : PK_DOCTOR_WARNING;
  if (mag > SKEW_WARNING_S)
    say(d, "clock", false, sev,
        N_("The kiosk's clock is %ld seconds %s the window's. Set the time (timedatectl set-ntp true); the window "
           "refuses requests with a wrong time."),
        mag, skew > 0 ? tr(N_("ahead of")) : tr(N_("behind")));
  else
    say(d, "clock", true, PK_DOCTOR_INFO, N_("The kiosk's clock agrees with the window's (%ld s)."), skew);
}

/* ---- certificates, CRL ---- */
static X509 *read_cert(const char *path) {
  FILE *f = fopen(path, "r");
  X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
  if (f) fclose(f);
  return x;
}

static void check_client_cert(doctor *d) {
  const char *path = d->cfg->client_cert, *what = tr(N_("The kiosk's client certificate"));
  if (!path[0]) {
    say(d, "client_cert", false, PK_DOCTOR_WARNING,
        N_("No client certificate is configured ([window] client_cert): the window will not know this kiosk."));
    return;
  }
  X509 *x = read_cert(path);
  if (!x)
    say(d, "client_cert", false, PK_DOCTOR_CRITICAL,
        N_("%s (%s) cannot be read: install it there, readable by the pishkhan user."), what, path);
  else
    cert_expiry(d, "client_cert", what, asn1_unix(X509_get0_notAfter(x)), CERT_WARNING_DAYS);
  X509_free(x);
}

/* The earliest expiry in the bundle: the first CA to lapse stops cards of that issuer. */
static int64_t bundle_not_after(const char *path, int *count) {
  FILE *f = fopen(path, "r");
  int64_t first = 0;
  X509 *x;
  *count = 0;
  while (f && (x = PEM_read_X509(f, NULL, NULL, NULL))) {
    int64_t t = asn1_unix(X509_get0_notAfter(x));
    if (!*count || t < first) first = t;
    (*count)++;
    X509_free(x);
  }
  if (f) fclose(f);
  return first;
}

static void check_issuer_ca(doctor *d) {
  int n;
  int64_t t = d->cfg->issuer_ca[0] ? bundle_not_after(d->cfg->issuer_ca, &n) : (n = 0, 0);
  if (!n)
    say(d, "issuer_ca", false, PK_DOCTOR_CRITICAL,
        N_("The card issuer's CA certificates ([card] issuer_ca = %s) cannot be read: no card can be checked. "
           "Install the bundle the issuer publishes."),
        d->cfg->issuer_ca[0] ? d->cfg->issuer_ca : "-");
  else
    cert_expiry(d, "issuer_ca", tr(N_("The card issuer's CA certificate")), t, 90);
}

static void check_crl(doctor *d) {
  FILE *f = d->cfg->crl[0] ? fopen(d->cfg->crl, "r") : NULL;
  X509_CRL *crl = f ? PEM_read_X509_CRL(f, NULL, NULL, NULL) : NULL;
  if (f) fclose(f);
  int64_t issued = crl ? asn1_unix(X509_CRL_get0_lastUpdate(crl)) : 0;
  int64_t next = crl ? asn1_unix(X509_CRL_get0_nextUpdate(crl)) : 0;
  X509_CRL_free(crl);
  if (!issued) {
    say(d, "crl", false, PK_DOCTOR_CRITICAL,
        N_("The card revocation list ([card] crl = %s) cannot be read: cards cannot be checked. Fetch the "
           "issuer's current list."),
        d->cfg->crl[0] ? d->cfg->crl : "-");
    return;
  }
  long age_h = (long)((d->now - issued) / 3600);
  if (age_h > d->cfg->crl_hard_limit_h || (next && next < d->now))
    say(d, "crl", false, PK_DOCTOR_CRITICAL,
        N_("The card revocation list is %ld hours old (past its next update): cards are refused offline. "
           "Fetch the current list from the issuer."),
        age_h);
  else if (age_h > d->cfg->crl_max_age_h)
    say(d, "crl", false, PK_DOCTOR_WARNING,
        N_("The card revocation list is %ld hours old: fetch the current one ([offline] crl_max_age_h = %d)."),
        age_h, d->cfg->crl_max_age_h);
  else
    say(d, "crl", true, PK_DOCTOR_INFO, N_("The card revocation list is %ld hours old; next update in %ld hours."),
        age_h, next ? (long)((next - d->now) / 3600) : 0L);
}

/* ---- the kiosk's own stores ---- */
static int64_t mtime_of(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (int64_t)st.st_mtime : 0;
}

/* Read-only: the doctor must not create a store the kiosk would then find owned by root. */
static long catalog_version(const char *path) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  long v = -1;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key='version'", -1, &st, NULL) == SQLITE_OK)
    v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

static void check_catalog(doctor *d) {
  char path[PK_CFG_STR + 16], wal[PK_CFG_STR + 24];
  snprintf(path, sizeof path, "%s/catalog.db", d->cfg->data_dir);
  snprintf(wal, sizeof wal, "%s-wal", path);
  long v = mtime_of(path) ? catalog_version(path) : 0;
  int64_t changed = mtime_of(wal) > mtime_of(path) ? mtime_of(wal) : mtime_of(path);
  if (v <= 0)
    say(d, "catalog", false, PK_DOCTOR_CRITICAL,
        N_("The kiosk has no service catalog yet: it shows no services. It downloads one when the window can be "
           "reached."));
  else
    say(d, "catalog", true, PK_DOCTOR_INFO, N_("Service catalog version %ld, last changed %ld days ago."), v,
        (long)((d->now - changed) / DAY));
}

static int statvfs_space(const char *dir, uint64_t *avail, uint64_t *total) {
  struct statvfs s;
  if (statvfs(dir, &s) != 0) return -1;
  *avail = (uint64_t)s.f_bavail * s.f_frsize;
  *total = (uint64_t)s.f_blocks * s.f_frsize;
  return 0;
}

static void check_disk(doctor *d) {
  uint64_t avail = 0, total = 0;
  int (*space)(const char *, uint64_t *, uint64_t *) = d->o->disk_space ? d->o->disk_space : statvfs_space;
  const char *dir = d->cfg->data_dir;
  if (space(dir, &avail, &total) != 0) {
    say(d, "disk", false, PK_DOCTOR_CRITICAL,
        N_("The data folder %s does not exist or cannot be read: create it for the pishkhan user "
           "(systemd-tmpfiles --create)."),
        dir);
    return;
  }
  unsigned long mib = (unsigned long)(avail >> 20);
  if (avail < DISK_CRITICAL_BYTES)
    say(d, "disk", false, PK_DOCTOR_CRITICAL,
        N_("Only %lu MiB free in %s: requests cannot be recorded. Free space there (old logs, receipts)."), mib, dir);
  else if (avail < DISK_WARNING_BYTES)
    say(d, "disk", false, PK_DOCTOR_WARNING, N_("Only %lu MiB free in %s: free some space soon."), mib, dir);
  else
    say(d, "disk", true, PK_DOCTOR_INFO, N_("%lu MiB free in %s."), mib, dir);
}

static void check_queue(doctor *d) {
  char path[PK_CFG_STR + 16], why[256] = "";
  snprintf(path, sizeof path, "%s/outbox.db", d->cfg->data_dir);
  if (!mtime_of(path)) {
    say(d, "queue", true, PK_DOCTOR_INFO, N_("No request has been recorded on this kiosk yet."));
    return;
  }
  pk_outbox_limits lim = {.max_rows = d->cfg->queue_max_rows, .max_age_days = d->cfg->queue_max_age_days};
  pk_outbox *ob = pk_outbox_open(path, &lim, why, sizeof why);
  size_t n[PK_OB_STATE_COUNT] = {0};
  int64_t oldest = 0;
  if (!ob || pk_outbox_counts(ob, n, &oldest) != 0) {
    say(d, "queue", false, PK_DOCTOR_CRITICAL, N_("The request queue %s cannot be read (%s): call support."), path,
        why);
    pk_outbox_close(ob);
    return;
  }
  pk_outbox_close(ob);
  size_t pending = n[PK_OB_SENDING] + n[PK_OB_QUEUED] + n[PK_OB_EXPORTED];
  long age_h = oldest ? (long)((d->now - oldest) / 3600) : 0;
  bool full = pending >= (size_t)lim.max_rows || age_h >= (long)lim.max_age_days * 24;
  bool filling = pending * 2 >= (size_t)lim.max_rows || age_h * 2 >= (long)lim.max_age_days * 24;
  if (full || filling || n[PK_OB_FAILED])
    say(d, "queue", false, full ? PK_DOCTOR_CRITICAL : PK_DOCTOR_WARNING,
        N_("%zu requests wait for delivery (the oldest %ld hours), %zu failed. Restore the link to the window, "
           "or carry them on USB: pishkhan queue export; see the failed ones with pishkhan queue list."),
        pending, age_h, n[PK_OB_FAILED]);
  else
    say(d, "queue", true, PK_DOCTOR_INFO, N_("%zu requests wait for delivery (the oldest %ld hours)."), pending,
        age_h);
}

void pk_doctor_run(const pk_config *cfg, const pk_doctor_opts *o, pk_doctor_report *out) {
  static const pk_doctor_opts none = {0};
  doctor d = {.cfg = cfg, .o = o ? o : &none, .r = out};
  d.now = d.o->now ? d.o->now : (int64_t)time(NULL);
  memset(out, 0, sizeof *out);
  check_config(&d);
  check_pcsc(&d);
  check_printer(&d);
  if (!d.o->skip_window) {
    check_window(&d);
    check_window_cert(&d);
    check_clock(&d);
  }
  check_client_cert(&d);
  check_issuer_ca(&d);
  check_crl(&d);
  check_catalog(&d);
  check_disk(&d);
  check_queue(&d);
}

bool pk_doctor_ok(const pk_doctor_report *r) {
  for (size_t i = 0; i < r->n; i++)
    if (!r->checks[i].ok && r->checks[i].severity == PK_DOCTOR_CRITICAL) return false;
  return true;
}

char *pk_doctor_json(const pk_doctor_report *r) {
  json_t *checks = json_array();
  for (size_t i = 0; i < r->n; i++) {
    const pk_doctor_check *c = &r->checks[i];
    json_array_append_new(checks, json_pack("{s:s, s:b, s:s, s:s}", "name", c->name, "ok", c->ok, "severity",
                                            pk_doctor_severity_name(c->severity), "message", c->message));
  }
  json_t *root = json_pack("{s:b, s:o}", "ok", pk_doctor_ok(r), "checks", checks);
  char *s = root ? json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER) : NULL;
  json_decref(root);
  return s;
}

const char *pk_doctor_mark(const pk_doctor_check *c) {
  if (c->ok) return "ok";
  return c->severity == PK_DOCTOR_CRITICAL ? "FAIL" : c->severity == PK_DOCTOR_WARNING ? "WARN" : "--";
}
