/* Writing the audit log: open (cutting a torn tail), append durably, sign checkpoints. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/pem.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "pishkhan/receipt.h"

struct pk_audit {
  pthread_mutex_t mu;
  int fd;
  char path[4096];
  char kiosk[64];
  char kid[64];
  EVP_PKEY *key;
  int every;
  int64_t (*clock)(void);
  uint64_t seq;       /* of the last entry written */
  off_t size;         /* the file's size as this process last left it */
  uint64_t since_cp;  /* entries since the last checkpoint */
  uint8_t head[32];
  au_hasher *hash;
};

static const char *const kinds[][4] = {
    {"clerk_login", "clerk"},          {"clerk_logout", "clerk"},
    {"clerk_lock", "clerk"},           {"citizen_auth", "method", "level", "national_masked"},
    {"request_submitted", "ref", "service"}, {"request_queued", "ref", "service"},
    {"request_delivered", "ref", "service"}, {"request_failed", "ref", "service"},
    {"print", "ref", "service"},       {"reprint", "ref", "service"},
    {"config_at_start", "sha256"},     {"queue_export", "count"},
    {"queue_import", "count"},
    {"cash_received", "amount", "clerk", "invoice"}, {"cash_refunded", "amount", "invoice"},
};

static int64_t now_s(void) { return (int64_t)time(NULL); }

static const char *const *kind_fields(const char *kind) {
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
    if (!strcmp(kinds[i][0], kind)) return kinds[i] + 1;
  return NULL;
}

static int write_all(int fd, const char *buf, size_t len) {
  while (len) {
    ssize_t n = write(fd, buf, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    buf += n, len -= (size_t)n;
  }
  return fsync(fd);
}

/* The last complete line's hash and seq from the file's tail; a torn tail is cut off. */
static int read_tail(pk_audit *a, off_t *torn, char *err, size_t errsz) {
  struct stat st;
  if (fstat(a->fd, &st) != 0) return au_err(err, errsz, "%s: %s", a->path, strerror(errno)), PK_AUDIT_EIO;
  size_t want = st.st_size < 2 * AU_LINE_MAX ? (size_t)st.st_size : 2 * AU_LINE_MAX;
  char *buf = malloc(want + 1);
  ssize_t got = buf ? pread(a->fd, buf, want, st.st_size - (off_t)want) : -1;
  if (got != (ssize_t)want) return free(buf), au_err(err, errsz, "%s: cannot read its end", a->path), PK_AUDIT_EIO;
  buf[want] = 0;
  char *end = memrchr(buf, '\n', want);
  *torn = end ? (off_t)(want - (size_t)(end - buf) - 1) : (off_t)want;
  int rc = 0;
  if (end) {
    *end = 0;
    char *start = memrchr(buf, '\n', (size_t)(end - buf));
    start = start ? start + 1 : buf;
    json_t *e = pk_audit_parse_line(start, (size_t)(end - start));
    uint8_t prev[32];
    if (!e || au_unhex(json_string_value(json_object_get(e, "prev")), prev))
      rc = PK_AUDIT_EIO, au_err(err, errsz, "%s: its last line is not an audit entry (pishkhan audit verify)", a->path);
    else {
      a->seq = (uint64_t)json_integer_value(json_object_get(e, "seq"));
      au_chain(a->hash, prev, start, (size_t)(end - start), a->head);
    }
    json_decref(e);
  }
  free(buf);
  return rc;
}

static EVP_PKEY *load_key(const char *pem) {
  FILE *f = pem ? fopen(pem, "re") : NULL;
  EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
  if (f) fclose(f);
  return k;
}

static int append_entry(pk_audit *a, json_t *e, char *err, size_t errsz);

/* Entries since the last checkpoint (its side copy's seq), so restarts do not reset the count. */
static uint64_t since_checkpoint(const pk_audit *a) {
  char side[4200], *line = NULL;
  size_t cap = 0;
  snprintf(side, sizeof side, "%s.checkpoint", a->path);
  FILE *f = fopen(side, "re");
  ssize_t n = f ? getline(&line, &cap, f) : -1;
  if (f) fclose(f);
  json_t *e = n > 1 ? pk_audit_parse_line(line, (size_t)n - 1) : NULL;
  uint64_t cp = e ? (uint64_t)json_integer_value(json_object_get(e, "seq")) : 0;
  json_decref(e);
  free(line);
  return cp <= a->seq ? a->seq - cp : a->seq;
}

static int cut_torn_tail(pk_audit *a, off_t torn, char *err, size_t errsz) {
  struct stat st;
  if (fstat(a->fd, &st) || ftruncate(a->fd, st.st_size - torn) || fsync(a->fd))
    return au_err(err, errsz, "%s: cannot cut its torn end: %s", a->path, strerror(errno)), PK_AUDIT_EIO;
  return append_entry(a, json_pack("{s:s,s:I}", "kind", "torn_tail", "bytes", (json_int_t)torn), err, errsz);
}

/* Another process (`pishkhan queue` beside the kiosk) may append too: each writer holds the
 * file's lock while it writes, and first takes up whatever the other wrote (its tail, and a tail
 * torn by a writer that died mid-line). */
static int take_file(pk_audit *a, char *err, size_t errsz) {
  int r;
  while ((r = flock(a->fd, LOCK_EX)) != 0 && errno == EINTR) {
  }
  struct stat st;
  if (r != 0 || fstat(a->fd, &st) != 0) return au_err(err, errsz, "%s: %s", a->path, strerror(errno)), PK_AUDIT_EIO;
  if (st.st_size == a->size) return 0;
  off_t torn = 0;
  int rc = read_tail(a, &torn, err, errsz);
  if (!rc) a->size = st.st_size, a->since_cp = since_checkpoint(a);
  if (!rc && torn) rc = cut_torn_tail(a, torn, err, errsz);
  if (rc) flock(a->fd, LOCK_UN);
  return rc;
}

static void release_file(pk_audit *a) { flock(a->fd, LOCK_UN); }

pk_audit *pk_audit_open(const pk_audit_opts *o, char *err, size_t errsz) {
  if (!o || !o->path || strlen(o->path) >= 4000 || !o->kiosk_id || strlen(o->kiosk_id) >= 64 ||
      (o->kid && strlen(o->kid) >= 64))
    return au_err(err, errsz, "bad audit options"), NULL;
  pk_audit *a = calloc(1, sizeof *a);
  if (!a) return au_err(err, errsz, "no memory"), NULL;
  pthread_mutex_init(&a->mu, NULL);
  snprintf(a->path, sizeof a->path, "%s", o->path);
  snprintf(a->kiosk, sizeof a->kiosk, "%s", o->kiosk_id);
  snprintf(a->kid, sizeof a->kid, "%s", o->kid ? o->kid : "");
  a->every = o->checkpoint_every > 0 ? o->checkpoint_every : 1000;
  a->clock = o->clock ? o->clock : now_s;
  a->hash = au_hasher_new();
  a->fd = open(o->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  a->size = -1; /* unknown: the tail is read under the lock */
  int rc = a->fd < 0 ? (au_err(err, errsz, "%s: %s", o->path, strerror(errno)), PK_AUDIT_EIO) : 0;
  if (!rc && o->device_key_pem && !(a->key = load_key(o->device_key_pem)))
    rc = PK_AUDIT_EKEY, au_err(err, errsz, "device key %s unreadable", o->device_key_pem);
  if (!rc && (rc = take_file(a, err, errsz)) == 0) release_file(a);
  if (rc) {
    pk_audit_close(a);
    return NULL;
  }
  return a;
}

void pk_audit_close(pk_audit *a) {
  if (!a) return;
  if (a->fd >= 0) close(a->fd);
  EVP_PKEY_free(a->key);
  au_hasher_free(a->hash);
  pthread_mutex_destroy(&a->mu);
  free(a);
}

static void stamp(pk_audit *a, json_t *e) {
  char prev[65];
  au_hex(a->head, prev);
  json_object_set_new(e, "seq", json_integer((json_int_t)(a->seq + 1)));
  json_object_set_new(e, "time", json_integer(a->clock()));
  json_object_set_new(e, "kiosk", json_string(a->kiosk));
  json_object_set_new(e, "prev", json_string(prev));
}

/* A failed or short write is undone, so the next entry never follows half a line. */
static int write_line(pk_audit *a, char *line, size_t len, char *err, size_t errsz) {
  struct stat st;
  if (fstat(a->fd, &st)) return au_err(err, errsz, "%s: %s", a->path, strerror(errno)), PK_AUDIT_EIO;
  line[len] = '\n'; /* in place of the NUL: the canonical text never holds a raw newline */
  int rc = write_all(a->fd, line, len + 1);
  line[len] = 0;
  if (!rc) return a->size = st.st_size + (off_t)len + 1, 0;
  au_err(err, errsz, "%s: %s", a->path, strerror(errno));
  if (ftruncate(a->fd, st.st_size) == 0) (void)fsync(a->fd);
  return PK_AUDIT_EIO;
}

/* Writes e (consumed, stamped) as its canonical line and advances the head; *out keeps the line. */
static int write_entry(pk_audit *a, json_t *e, char **out, char *err, size_t errsz) {
  char *line = e ? au_canonical(e) : NULL;
  json_decref(e);
  size_t len = line ? strlen(line) : 0;
  if (!line || len >= AU_LINE_MAX) return free(line), au_err(err, errsz, "entry not representable"), PK_AUDIT_EINVAL;
  int rc = write_line(a, line, len, err, errsz);
  if (!rc) {
    au_chain(a->hash, a->head, line, len, a->head);
    a->seq++;
    a->since_cp++;
  }
  if (out && !rc) *out = line;
  else free(line);
  return rc;
}

static int append_entry(pk_audit *a, json_t *e, char *err, size_t errsz) {
  if (!e) return au_err(err, errsz, "no memory"), PK_AUDIT_EINVAL;
  stamp(a, e);
  return write_entry(a, e, NULL, err, errsz);
}

/* The latest checkpoint also lives beside the log, so cutting entries off the end shows. */
static int write_side_copy(pk_audit *a, const char *line, char *err, size_t errsz) {
  char tmp[4200], dst[4200];
  snprintf(dst, sizeof dst, "%s.checkpoint", a->path);
  snprintf(tmp, sizeof tmp, "%s.checkpoint.tmp", a->path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  size_t len = strlen(line);
  bool ok = fd >= 0 && write(fd, line, len) == (ssize_t)len && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
  if (fd >= 0) close(fd);
  if (!ok || rename(tmp, dst)) return au_err(err, errsz, "%s: %s", dst, strerror(errno)), PK_AUDIT_EIO;
  return 0;
}

static int checkpoint_locked(pk_audit *a, char *err, size_t errsz) {
  if (!a->key) return au_err(err, errsz, "no device key: no checkpoint"), PK_AUDIT_EKEY;
  char head[65];
  au_hex(a->head, head);
  json_t *e = json_pack("{s:s,s:I,s:s}", "kind", "checkpoint", "size", (json_int_t)a->seq, "head", head);
  stamp(a, e);
  char *payload = au_checkpoint_payload(e);
  char *jws = payload ? pk_jws_sign_es256(a->key, a->kid, payload) : NULL;
  free(payload);
  if (!jws) return json_decref(e), au_err(err, errsz, "the device key could not sign"), PK_AUDIT_EKEY;
  json_object_set_new(e, "jws", json_string(jws));
  free(jws);
  char *line = NULL;
  int rc = write_entry(a, e, &line, err, errsz);
  if (!rc) a->since_cp = 0, rc = write_side_copy(a, line, err, errsz);
  free(line);
  return rc;
}

int pk_audit_checkpoint(pk_audit *a, char *err, size_t errsz) {
  if (!a) return PK_AUDIT_EINVAL;
  pthread_mutex_lock(&a->mu);
  int rc = take_file(a, err, errsz);
  if (!rc) rc = checkpoint_locked(a, err, errsz), release_file(a);
  pthread_mutex_unlock(&a->mu);
  return rc;
}

static int required_fields(const char *kind, json_t *f, char *err, size_t errsz) {
  const char *const *need = kind ? kind_fields(kind) : NULL;
  if (!need) return au_err(err, errsz, "unknown audit kind \"%s\"", kind ? kind : "(null)"), PK_AUDIT_EINVAL;
  for (int i = 0; i < 3 && need[i]; i++)
    if (!json_object_get(f, need[i])) return au_err(err, errsz, "%s needs \"%s\"", kind, need[i]), PK_AUDIT_EINVAL;
  static const char *const reserved[] = {"seq", "time", "kiosk", "kind", "prev", "jws", "size", "head"};
  for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
    if (json_object_get(f, reserved[i])) return au_err(err, errsz, "\"%s\" is the log's own", reserved[i]), PK_AUDIT_EINVAL;
  return 0;
}

int pk_audit_append(pk_audit *a, const char *kind, const char *fields_json, char *err, size_t errsz) {
  int rc = a ? pk_audit_check_fields(fields_json, err, errsz) : PK_AUDIT_EINVAL;
  if (rc) return rc;
  json_error_t je;
  json_t *f = json_loads(fields_json, JSON_REJECT_DUPLICATES, &je);
  if ((rc = required_fields(kind, f, err, errsz))) return json_decref(f), rc;
  json_object_set_new(f, "kind", json_string(kind));
  pthread_mutex_lock(&a->mu);
  if ((rc = take_file(a, err, errsz)) != 0) {
    pthread_mutex_unlock(&a->mu);
    return json_decref(f), rc;
  }
  rc = append_entry(a, f, err, errsz);
  if (!rc && a->key && a->since_cp >= (uint64_t)a->every) rc = checkpoint_locked(a, err, errsz);
  release_file(a);
  pthread_mutex_unlock(&a->mu);
  return rc;
}

uint64_t pk_audit_size(pk_audit *a, char head_hex[65]) {
  pthread_mutex_lock(&a->mu);
  char err[160];
  if (take_file(a, err, sizeof err) == 0) release_file(a); /* else: the last size this process knew */
  uint64_t n = a->seq;
  if (head_hex) au_hex(a->head, head_hex);
  pthread_mutex_unlock(&a->mu);
  return n;
}
