/* Crash and I/O fault driver for the outbox store. Rows carry a sealed body derived from their
 * reference, so a half-written row cannot pass the check.
 *   kill9 DIR CYCLES     forks an inserting child CYCLES times and kills it -9 at a random moment,
 *                        then checks the store (integrity, every acknowledged row whole)
 *   fiu DB N PROB        N inserts, each under libfiu's random POSIX I/O faults (run with fiu-run -x)
 *   fill DB N SIZE [FSIZE] inserts of SIZE-byte bodies until the disk (or RLIMIT_FSIZE) is full
 *   check DB OKFILE [FAILFILE] integrity_check, every "ok" row whole; FAILFILE rows reported
 * fiu/fill print "ok REF" after insert returned 0 and "eio REF" after it failed. */
#include <errno.h>
#include <fiu-control.h>
#include <fiu.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../outbox/internal.h"
#include "fixture.h"

static char *body_for(const char *ref, size_t size) {
  char *b = malloc(size + 64);
  int n = snprintf(b, size + 64, "eyJhbGciOiJ4In0.k%s.aXY.", ref);
  while ((size_t)n < size) n += snprintf(b + n, size + 64 - (size_t)n, "%s", ref);
  snprintf(b + n, 64, ".dGFn");
  return b;
}

/* The body body_for made, of whatever size: a torn or mixed-up row fails. */
static bool body_ok(const char *ref, const char *sealed) {
  char head[64];
  size_t rl = strlen(ref), hl = (size_t)snprintf(head, sizeof head, "eyJhbGciOiJ4In0.k%s.aXY.", ref);
  size_t n = sealed ? strlen(sealed) : 0;
  if (n < hl + 5 || strncmp(sealed, head, hl) != 0 || strcmp(sealed + n - 5, ".dGFn") != 0) return false;
  for (size_t i = hl; i < n - 5; i++)
    if (sealed[i] != ref[(i - hl) % rl]) return false;
  return true;
}

static pk_outbox *open_or_die(const char *db) {
  char err[256];
  pk_outbox *ob = pk_outbox_open(db, &(pk_outbox_limits){1 << 30, 3650}, err, sizeof err);
  if (!ob) {
    fprintf(stderr, "open %s: %s\n", db, err);
    exit(3);
  }
  return ob;
}

static int insert_row(pk_outbox *ob, size_t size, pk_outbox_row *row, char *err, size_t errsz) {
  char *body = body_for(row->ref, size);
  int rc = pk_outbox_insert(ob, row, body, err, errsz);
  free(body);
  return rc;
}

static int insert_one(pk_outbox *ob, size_t size, pk_outbox_row *row, char *err, size_t errsz) {
  fx_row(ob, row, "svc.crash", 0);
  return insert_row(ob, size, row, err, errsz);
}

/* The child: inserts forever; a line leaves only after insert (or delivered) returned 0. Every
 * other row is then marked delivered, so kills also land in state changes. */
static void child_loop(const char *db, int fd) {
  pk_outbox *ob = open_or_die(db);
  char line[64], err[256];
  for (unsigned i = 0;; i++) {
    pk_outbox_row row;
    if (insert_one(ob, 300, &row, err, sizeof err)) _exit(4);
    int n = snprintf(line, sizeof line, "ok %s\n", row.ref);
    if (write(fd, line, (size_t)n) != n) _exit(5);
    if (i % 2 == 0 && pk_outbox_delivered(ob, row.ref, "T-1", NULL) == 0) {
      n = snprintf(line, sizeof line, "d %s\n", row.ref);
      if (write(fd, line, (size_t)n) != n) _exit(5);
    }
  }
}

static void drain(int fd, FILE *out) {
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) fwrite(buf, 1, (size_t)n, out);
}

static long g_acked, g_present;
static int check(const char *db, const char *okfile, const char *failfile);

static int kill9(const char *dir, int cycles) {
  char db[600], log[600];
  snprintf(db, sizeof db, "%s/crash.db", dir);
  snprintf(log, sizeof log, "%s/acked.txt", dir);
  FILE *out = fopen(log, "w");
  srand((unsigned)time(NULL) ^ (unsigned)getpid());
  for (int c = 0; c < cycles; c++) {
    int p[2];
    if (pipe(p)) return 1;
    pid_t pid = fork();
    if (pid == 0) {
      close(p[0]);
      child_loop(db, p[1]);
    }
    close(p[1]);
    /* A random point in the child's life: opening (WAL recovery), inserting, committing. */
    struct timespec ts = {0, (long)(rand() % 6000) * 1000};
    nanosleep(&ts, NULL);
    kill(pid, SIGKILL);
    drain(p[0], out);
    close(p[0]);
    int st;
    waitpid(pid, &st, 0);
    if (!WIFSIGNALED(st)) {
      fprintf(stderr, "cycle %d: child exited %d before the kill\n", c, WEXITSTATUS(st));
      return 1;
    }
  }
  fclose(out);
  int rc = check(db, log, NULL);
  /* A kill between commit and the line costs one unacknowledged row, never more. */
  if (g_present - g_acked > cycles) {
    fprintf(stderr, "%ld rows nobody acknowledged after %d kills\n", g_present - g_acked, cycles);
    rc = 1;
  }
  if (rc == 0) printf("kill9: %d kills, store whole\n", cycles);
  return rc;
}

/* ---- check -------------------------------------------------------------------------- */

static const char *one(pk_outbox *ob, const char *sql, char *out, size_t n) {
  sqlite3_stmt *st = NULL;
  snprintf(out, n, "(error)");
  if (sqlite3_prepare_v2(ob->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return out;
}

/* 0 whole, 1 absent, 2 damaged. */
static int row_state(pk_outbox *ob, const char *ref, bool delivered) {
  pk_outbox_row r;
  if (pk_outbox_get(ob, ref, true, &r) != 0) return 1;
  bool ok = delivered ? r.state == PK_OB_DELIVERED && !r.sealed && strcmp(r.tracking_code, "T-1") == 0
                      : body_ok(ref, r.sealed);
  pk_outbox_row_clear(&r);
  return ok ? 0 : 2;
}

static int check(const char *db, const char *okfile, const char *failfile) {
  pk_outbox *ob = open_or_die(db);
  char v[256];
  int bad = 0;
  if (strcmp(one(ob, "PRAGMA integrity_check", v, sizeof v), "ok") != 0) {
    fprintf(stderr, "integrity_check: %s\n", v);
    bad++;
  }
  FILE *f = fopen(okfile, "r");
  char kind[8], ref[32];
  long acked = 0;
  while (f && fscanf(f, "%7s %31s", kind, ref) == 2) {
    bool d = strcmp(kind, "d") == 0;
    acked += !d;
    int s = row_state(ob, ref, d);
    if (s == 0 && !d) continue;
    if (s == 0) continue;
    if (s == 2 && !d) {
      /* Acknowledged as inserted, later marked delivered without the line reaching us. */
      pk_outbox_row r;
      if (pk_outbox_get(ob, ref, false, &r) == 0 && r.state == PK_OB_DELIVERED) {
        pk_outbox_row_clear(&r);
        continue;
      }
    }
    fprintf(stderr, "%s row %s %s\n", d ? "delivered" : "acknowledged", ref, s == 1 ? "missing" : "damaged");
    bad++;
  }
  if (f) fclose(f);
  long present = atol(one(ob, "SELECT count(*) FROM rows", v, sizeof v));
  long failed_present = 0, failed = 0;
  f = failfile ? fopen(failfile, "r") : NULL;
  while (f && fscanf(f, "%7s %31s", kind, ref) == 2) {
    failed++;
    failed_present += row_state(ob, ref, false) != 1;
  }
  if (f) fclose(f);
  g_acked = acked, g_present = present;
  printf("check: %ld acknowledged, %ld rows in the store, %ld failed inserts (%ld of them present), %s\n", acked,
         present, failed, failed_present, bad ? "DAMAGED" : "all acknowledged rows whole");
  pk_outbox_close(ob);
  return bad ? 1 : 0;
}

/* ---- faults ------------------------------------------------------------------------- */

static void report(int rc, const pk_outbox_row *row, const char *err) {
  printf("%s %s\n", rc == 0 ? "ok" : "eio", row->ref);
  if (rc && rc != PK_OB_EIO) fprintf(stderr, "insert %s: %d (%s)\n", row->ref, rc, err);
  fflush(stdout);
}

static int fiu_inserts(const char *db, int n, double prob) {
  fiu_init(0);
  pk_outbox *ob = open_or_die(db);
  for (int i = 0; i < n; i++) {
    char err[256] = "";
    pk_outbox_row row;
    fx_row(ob, &row, "svc.crash", 0); /* the draft reads the store: faults only around the insert */
    fiu_enable_random("posix/io/rw/*", EIO, NULL, 0, (float)prob);
    fiu_enable_random("posix/io/sync/*", EIO, NULL, 0, (float)prob);
    int rc = insert_row(ob, 300, &row, err, sizeof err);
    fiu_disable("posix/io/rw/*");
    fiu_disable("posix/io/sync/*");
    report(rc, &row, err);
  }
  pk_outbox_close(ob);
  return 0;
}

static int fill(const char *db, int n, size_t size, long fsize) {
  pk_outbox *ob = open_or_die(db);
  if (fsize > 0) {
    signal(SIGXFSZ, SIG_IGN); /* write() then fails with EFBIG, as on a full disk */
    struct rlimit rl = {(rlim_t)fsize, (rlim_t)fsize};
    setrlimit(RLIMIT_FSIZE, &rl);
  }
  int fails = 0;
  for (int i = 0; i < n && fails < 20; i++) {
    char err[256] = "";
    pk_outbox_row row;
    int rc = insert_one(ob, size, &row, err, sizeof err);
    fails += rc != 0;
    report(rc, &row, err);
    if (rc && fails == 1) fprintf(stderr, "first failure: %s\n", err);
  }
  pk_outbox_close(ob);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "kill9") == 0) return kill9(argv[2], atoi(argv[3]));
  if (argc == 5 && strcmp(argv[1], "fiu") == 0) return fiu_inserts(argv[2], atoi(argv[3]), atof(argv[4]));
  if ((argc == 5 || argc == 6) && strcmp(argv[1], "fill") == 0)
    return fill(argv[2], atoi(argv[3]), (size_t)atol(argv[4]), argc == 6 ? atol(argv[5]) : 0);
  if ((argc == 4 || argc == 5) && strcmp(argv[1], "check") == 0) return check(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
  fprintf(stderr, "usage: see the top of t_outbox_crash.c\n");
  return 2;
}
