/* pishkhan-pos-sim: a PC-POS card terminal speaking the pkpos framing (docs/payment.md) over TCP.
 * It keeps its own durable record of every sale and reversal, so tests count charges at the
 * terminal and not at the kiosk. The scenario of a sale is its amount's last two digits. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pishkhan/payment.h"
#include "script.h"

static sqlite3 *db;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int slow_ms = 300;
static const pk_pay_framing *framing = &pk_pay_framing_pkpos;

static const char SCHEMA[] =
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS sales(trace TEXT PRIMARY KEY, invoice TEXT NOT NULL, amount INTEGER NOT NULL,"
    " state TEXT NOT NULL, rc TEXT NOT NULL, approval TEXT NOT NULL, rrn TEXT NOT NULL, mute INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS requests(id INTEGER PRIMARY KEY, trace TEXT NOT NULL, type TEXT NOT NULL,"
    " at INTEGER NOT NULL DEFAULT (unixepoch()));"
    "CREATE TABLE IF NOT EXISTS closed(trace TEXT PRIMARY KEY, at INTEGER NOT NULL DEFAULT (unixepoch()));";

static void sql(const char *q, const char *a, const char *b, int64_t n) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, q, -1, &st, NULL) == SQLITE_OK) {
    if (a) sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
    if (b) sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, n);
    sqlite3_step(st);
  }
  sqlite3_finalize(st);
}

/* The terminal's record of trace into ans (state "none" if it has none); true if muted. */
static bool lookup(const char *trace, pk_pay_msg *ans) {
  sqlite3_stmt *st = NULL;
  bool mute = false;
  snprintf(ans->state, sizeof ans->state, "none");
  snprintf(ans->rc, sizeof ans->rc, "25");
  if (sqlite3_prepare_v2(db, "SELECT state, rc, approval, rrn, mute FROM sales WHERE trace = ?1", -1, &st, NULL) ==
      SQLITE_OK) {
    sqlite3_bind_text(st, 1, trace, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
      snprintf(ans->state, sizeof ans->state, "%s", sqlite3_column_text(st, 0));
      snprintf(ans->rc, sizeof ans->rc, "%s", sqlite3_column_text(st, 1));
      snprintf(ans->approval, sizeof ans->approval, "%s", sqlite3_column_text(st, 2));
      snprintf(ans->rrn, sizeof ans->rrn, "%s", sqlite3_column_text(st, 3));
      mute = sqlite3_column_int(st, 4) != 0;
      if (!strcmp(ans->rc, "00")) snprintf(ans->pan, sizeof ans->pan, "603799******%s", "4421");
    }
  }
  sqlite3_finalize(st);
  return mute;
}

static void record_sale(const pk_pay_msg *req, const char *state, const char *rc, bool mute) {
  char ac[8], rrn[16];
  snprintf(ac, sizeof ac, "%06ld", random() % 1000000);
  snprintf(rrn, sizeof rrn, "%012lld", (long long)(time(NULL) % 1000000) * 1000000 + random() % 1000000);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, "INSERT INTO sales VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", -1, &st, NULL) ==
      SQLITE_OK) {
    const char *t[] = {req->trace, req->invoice};
    for (int i = 0; i < 2; i++) sqlite3_bind_text(st, i + 1, t[i], -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, req->amount);
    const char *u[] = {state, rc, strcmp(rc, "00") ? "" : ac, strcmp(rc, "00") ? "" : rrn};
    for (int i = 0; i < 4; i++) sqlite3_bind_text(st, i + 4, u[i], -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 8, mute);
    sqlite3_step(st);
  }
  sqlite3_finalize(st);
}

typedef enum { SEND, SEND_TWICE, SILENT, HANG_UP, SEND_FULL_PAN, SEND_BAD_BYTES } reply;

/* A sale the terminal has not seen: charged or not as its scenario says. */
static reply new_sale(const pk_pay_msg *req, pk_pay_msg *ans, int *delay_ms) {
  static const char *const RC[SCENARIOS] = {"00", "05", "51", "17", "68", "00", "00", "00", "00", "00", "00"};
  int sc = pos_script_take(req->amount);
  if (sc == SLOW) *delay_ms = slow_ms;
  record_sale(req, strcmp(RC[sc], "00") ? "declined" : "approved", RC[sc], sc == LOST);
  lookup(req->trace, ans);
  switch (sc) {
    case TIMEOUT_BEFORE:
    case TIMEOUT_AFTER: return SILENT;
    case LOST: return HANG_UP;
    case DUPLICATED: return SEND_TWICE;
    case FULL_PAN: return SEND_FULL_PAN;
    case BAD_BYTES: return SEND_BAD_BYTES;
    default: return SEND;
  }
}

/* In a batch already settled (closed): its money is with the bank, a reversal cannot take it back. */
static bool closed(const char *trace) {
  sqlite3_stmt *st = NULL;
  bool in = false;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM closed WHERE trace = ?1", -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, trace, -1, SQLITE_STATIC);
    in = sqlite3_step(st) == SQLITE_ROW;
  }
  sqlite3_finalize(st);
  return in;
}

/* A second SALE of a trace is a duplicate transmission: answered with the first result, never
 * charged again; a trace barred by a reversal is refused. */
static reply handle(const pk_pay_msg *req, pk_pay_msg *ans, int *delay_ms) {
  memset(ans, 0, sizeof *ans);
  ans->type = req->type + 1;
  ans->amount = req->amount;
  snprintf(ans->trace, sizeof ans->trace, "%s", req->trace);
  snprintf(ans->tid, sizeof ans->tid, "%s", req->tid);
  sql("INSERT INTO requests(trace, type) VALUES (?1, ?2)", req->trace, pk_pay_msg_type_name(req->type), 0);
  bool mute = lookup(req->trace, ans);
  bool known = strcmp(ans->state, "none") != 0;
  if (req->type == PK_PAY_MSG_SALE) {
    if (known && !strcmp(ans->state, "void")) snprintf(ans->rc, sizeof ans->rc, "25");
    return known ? SEND : new_sale(req, ans, delay_ms);
  }
  if (req->type == PK_PAY_MSG_STATUS) return mute ? SILENT : SEND;
  if (req->type != PK_PAY_MSG_REVERSE) return HANG_UP;
  if (closed(req->trace)) return snprintf(ans->rc, sizeof ans->rc, "12"), SEND; /* settled: only a refund now */
  if (!known) sql("INSERT INTO sales VALUES (?1, ?2, ?3, 'void', '25', '', '', 0)", req->trace, req->invoice, req->amount);
  sql("UPDATE sales SET state = 'reversed' WHERE trace = ?1 AND state = 'approved'", req->trace, NULL, 0);
  memset(ans->state, 0, sizeof ans->state);
  snprintf(ans->rc, sizeof ans->rc, "00");
  return SEND;
}

/* ---- Batch totals and the day's journal (reconciliation, ISO 8583 0500) ---- */

/* The day's sales: those whose first SALE arrived that day (terminal's local time); a trace only
 * barred by a reversal ("void") never was a sale. */
#define DAY_SALES                                                                                                 \
  "SELECT s.trace, s.invoice, s.amount, s.state, s.rrn FROM sales s WHERE s.state <> 'void' AND"                  \
  " strftime('%Y%m%d', (SELECT min(r.at) FROM requests r WHERE r.trace = s.trace AND r.type = 'SALE'),"           \
  " 'unixepoch', 'localtime') = ?1 ORDER BY s.rowid"

static void batch_totals(pk_pay_msg *ans) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, DAY_SALES, -1, &st, NULL) != SQLITE_OK) return;
  sqlite3_bind_text(st, 1, ans->day, -1, SQLITE_STATIC);
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *state = (const char *)sqlite3_column_text(st, 3);
    int64_t am = sqlite3_column_int64(st, 2);
    ans->entries++;
    if (!strcmp(state, "approved")) ans->n_approved++, ans->sum_approved += am;
    if (!strcmp(state, "reversed")) ans->n_reversed++, ans->sum_reversed += am;
  }
  sqlite3_finalize(st);
}

static void journal_entry(pk_pay_msg *ans) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, DAY_SALES, -1, &st, NULL) != SQLITE_OK) return;
  sqlite3_bind_text(st, 1, ans->day, -1, SQLITE_STATIC);
  snprintf(ans->rc, sizeof ans->rc, "25");
  for (int64_t i = 0; sqlite3_step(st) == SQLITE_ROW; i++, ans->entries++) {
    if (i != ans->index) continue;
    snprintf(ans->trace, sizeof ans->trace, "%s", sqlite3_column_text(st, 0));
    snprintf(ans->invoice, sizeof ans->invoice, "%s", sqlite3_column_text(st, 1));
    ans->amount = sqlite3_column_int64(st, 2);
    snprintf(ans->state, sizeof ans->state, "%s", sqlite3_column_text(st, 3));
    snprintf(ans->rrn, sizeof ans->rrn, "%s", sqlite3_column_text(st, 4));
    snprintf(ans->rc, sizeof ans->rc, "00");
  }
  sqlite3_finalize(st);
}

static bool is_batch(const pk_pay_msg *req) {
  return req->type == PK_PAY_MSG_BATCH || req->type == PK_PAY_MSG_JOURNAL || req->type == PK_PAY_MSG_SETTLE;
}

/* Settlement: the day's standing sales are closed only when the kiosk's totals are the
 * terminal's (else 95, reconcile error, and nothing changes); closing again is harmless. */
static void settle(const pk_pay_msg *req, pk_pay_msg *ans) {
  batch_totals(ans);
  if (ans->n_approved != req->n_approved || ans->sum_approved != req->sum_approved) {
    snprintf(ans->rc, sizeof ans->rc, "95");
    return;
  }
  sql("INSERT OR IGNORE INTO closed(trace) SELECT trace FROM (" DAY_SALES ") WHERE state = 'approved'", req->day,
      NULL, 0);
}

/* Batch, journal and settle requests: no request row (the dump counts sales). */
static reply batch(const pk_pay_msg *req, pk_pay_msg *ans) {
  memset(ans, 0, sizeof *ans);
  ans->type = req->type + 1;
  ans->index = req->index;
  snprintf(ans->day, sizeof ans->day, "%s", req->day);
  snprintf(ans->tid, sizeof ans->tid, "%s", req->tid);
  snprintf(ans->rc, sizeof ans->rc, "00");
  if (req->type == PK_PAY_MSG_BATCH) batch_totals(ans);
  else if (req->type == PK_PAY_MSG_SETTLE) settle(req, ans);
  else journal_entry(ans);
  return SEND;
}

static void send_frame(int fd, const pk_pay_msg *ans, reply how) {
  uint8_t buf[PK_PAY_FRAME_MAX + 3];
  pk_pay_msg m = *ans;
  if (how == SEND_FULL_PAN) {
    snprintf(m.pan, sizeof m.pan, "6037991234564421");
    snprintf(m.rrn, sizeof m.rrn, "12<b>34");
  }
  int n = framing->encode(&m, buf, sizeof buf);
  if (n <= 0) return;
  if (how == SEND_BAD_BYTES) {
    /* An escape sequence inside a value, with a correct LRC: refused by the parser's grammar. */
    uint8_t *v = memmem(buf, (size_t)n, "ac=", 3);
    if (v) v[3] = 0x1b;
    buf[n - 1] = 0;
    for (int i = 0; i < n - 1; i++) buf[n - 1] ^= buf[i];
  }
  for (int k = 0; k < (how == SEND_TWICE ? 2 : 1); k++) (void)!send(fd, buf, (size_t)n, MSG_NOSIGNAL);
}

static void pause_ms(int ms) {
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
  nanosleep(&ts, NULL);
}

static void *serve(void *arg) {
  int fd = (int)(intptr_t)arg;
  uint8_t buf[2 * (PK_PAY_FRAME_MAX + 3)];
  size_t have = 0;
  ssize_t got;
  bool silent = false;
  while ((got = recv(fd, buf + have, sizeof buf - have, 0)) > 0) {
    have += (size_t)got;
    pk_pay_msg req, ans;
    size_t used = 0;
    pk_pay_frame_rc r;
    while (!silent && (r = framing->parse(buf, have, &req, &used)) == PK_PAY_FRAME_OK) {
      int delay = 0;
      pthread_mutex_lock(&lock);
      reply how = is_batch(&req) ? batch(&req, &ans) : handle(&req, &ans, &delay);
      pthread_mutex_unlock(&lock);
      if (delay) pause_ms(delay);
      if (how == HANG_UP) goto out;
      silent = how == SILENT;
      if (!silent) send_frame(fd, &ans, how);
      memmove(buf, buf + used, have - used);
      have -= used;
    }
    if (!silent && (r == PK_PAY_FRAME_BAD || have == sizeof buf)) break;
    if (silent) have = 0;
  }
out:
  close(fd);
  return NULL;
}

static int dump(const char *path) {
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) return 1;
  sqlite3_stmt *st = NULL;
  const char *q = "SELECT s.trace, CASE WHEN s.invoice = '' THEN '-' ELSE s.invoice END, s.amount, s.state,"
                  " (SELECT count(*) FROM requests r WHERE r.trace = s.trace AND r.type = 'SALE'),"
                  " (SELECT count(*) FROM requests r WHERE r.trace = s.trace AND r.type = 'REVERSE'),"
                  " (SELECT count(*) FROM requests r WHERE r.trace = s.trace AND r.type = 'STATUS'),"
                  " EXISTS (SELECT 1 FROM closed c WHERE c.trace = s.trace)"
                  " FROM sales s ORDER BY s.rowid";
  if (sqlite3_prepare_v2(db, q, -1, &st, NULL) != SQLITE_OK) return 1;
  while (sqlite3_step(st) == SQLITE_ROW)
    printf("trace=%s invoice=%s amount=%lld state=%s sales=%d reversals=%d statuses=%d closed=%d\n", sqlite3_column_text(st, 0),
           sqlite3_column_text(st, 1), (long long)sqlite3_column_int64(st, 2), sqlite3_column_text(st, 3),
           sqlite3_column_int(st, 4), sqlite3_column_int(st, 5), sqlite3_column_int(st, 6),
           sqlite3_column_int(st, 7));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return 0;
}

static int listen_on(const char *bind_addr, int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (fd < 0 || inet_pton(AF_INET, bind_addr, &a.sin_addr) != 1 || bind(fd, (struct sockaddr *)&a, sizeof a) ||
      listen(fd, 64))
    return -1;
  socklen_t sl = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &sl);
  printf("listening on %s:%d\n", bind_addr, ntohs(a.sin_port));
  fflush(stdout);
  return fd;
}

static void usage(void) {
  puts("usage: pishkhan-pos-sim --db FILE [--bind ADDR] [--port N] [--slow-ms N] [--script LIST [--cycle]]\n"
       "       pishkhan-pos-sim --dump FILE\n"
       "  --port N      port, 0 = ephemeral (default 0); the chosen port is printed\n"
       "  --db FILE     the terminal's own durable record of sales and reversals\n"
       "  --dump FILE   print that record, one line per trace, and exit\n"
       "  --slow-ms N   delay of a slow answer (default 300)\n"
       "Scenario of a sale = amount mod 100: 0 approve, 1 decline, 2 insufficient funds, 3 card removed,\n"
       "4 timeout before approval, 5 timeout after approval, 6 lost answer (and status), 7 duplicated\n"
       "answer, 8 slow answer, 9 full card number in the answer, 10 control bytes in the answer.\n"
       "  --script LIST the scenarios of the next new sales, in order, whatever their amount; then as above.\n"
       "  --cycle       the script starts again after its last entry, for as long as the terminal runs.\n"
       "                Names:");
  printf("                %s\n", pos_script_names());
}

int main(int argc, char **argv) {
  const char *bind_addr = "127.0.0.1", *path = NULL;
  int port = 0;
  static const struct option opts[] = {{"bind", 1, 0, 'b'}, {"port", 1, 0, 'p'}, {"db", 1, 0, 'd'},
                                       {"dump", 1, 0, 'D'}, {"slow-ms", 1, 0, 's'}, {"help", 0, 0, 'h'},
                                       {"script", 1, 0, 'S'}, {"cycle", 0, 0, 'C'},
                                       {0, 0, 0, 0}};
  for (int c; (c = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
    if (c == 'b') bind_addr = optarg;
    else if (c == 'p') port = atoi(optarg);
    else if (c == 'd') path = optarg;
    else if (c == 'D') return dump(optarg);
    else if (c == 's') slow_ms = atoi(optarg);
    else if (c == 'C') pos_script_cycle(true);
    else if (c == 'S') {
      if (pos_script_set(optarg)) return 2;
    }
    else return usage(), c == 'h' ? 0 : 2;
  }
  if (!path) return usage(), 2;
  signal(SIGPIPE, SIG_IGN);
  srandom((unsigned)time(NULL) ^ (unsigned)getpid());
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) ||
      sqlite3_exec(db, SCHEMA, NULL, NULL, NULL)) {
    fprintf(stderr, "pishkhan-pos-sim: cannot open %s\n", path);
    return 1;
  }
  int lfd = listen_on(bind_addr, port);
  if (lfd < 0) return fprintf(stderr, "pishkhan-pos-sim: cannot listen: %s\n", strerror(errno)), 1;
  for (;;) {
    int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    pthread_t th;
    if (fd >= 0 && pthread_create(&th, NULL, serve, (void *)(intptr_t)fd) == 0) pthread_detach(th);
    else if (fd >= 0) close(fd);
  }
}
