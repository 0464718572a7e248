/* USB bundles: the sealed envelopes of the queue and their metadata, signed (JWS ES256 compact,
 * libjose) by the kiosk's device key. A USB stick may acknowledge writes it never made, so the
 * file is read back from the device after fsync and verified like an importer would. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <jose/jose.h>
#include <jose/openssl.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pishkhan/secret.h"

#define BUNDLE_MAX_BYTES (64u << 20)
#define BUNDLE_MAX_VALID_S (30 * 86400)

/* ---- verifying (import, and the exporter's read-back) --------------------------------- */

static bool str_is(const json_t *o, const char *name, const char *want) {
  const char *s = json_string_value(json_object_get(o, name));
  return s && strcmp(s, want) == 0;
}

static const json_t *find_sig_key(const json_t *jwks, const char *kid) {
  const json_t *keys = json_object_get(jwks, "keys");
  for (size_t i = 0; i < json_array_size(keys); i++) {
    const json_t *k = json_array_get(keys, i);
    if (str_is(k, "kid", kid) && str_is(k, "kty", "EC") && str_is(k, "crv", "P-256") &&
        (!json_object_get(k, "use") || str_is(k, "use", "sig")))
      return k;
  }
  return NULL;
}

/* A header we sign is {"alg":"ES256","kid":...} and nothing a verifier could be asked to honour. */
static const json_t *header_key(const json_t *hdr, const json_t *jwks) {
  if (!hdr || !str_is(hdr, "alg", "ES256") || json_object_get(hdr, "crit") || json_object_get(hdr, "b64") ||
      json_object_get(hdr, "zip"))
    return NULL;
  const char *kid = json_string_value(json_object_get(hdr, "kid"));
  return kid ? find_sig_key(jwks, kid) : NULL;
}

static bool signature_ok(const ob_parts *p, const json_t *jwks) {
  json_t *hdr = ob_b64_json(p->p[0], p->n[0]);
  const json_t *key = header_key(hdr, jwks);
  json_decref(hdr);
  if (!key) return false;
  json_t *flat = json_pack("{s:s%,s:s%,s:s%}", "protected", p->p[0], p->n[0], "payload", p->p[1], p->n[1],
                           "signature", p->p[2], p->n[2]);
  bool ok = flat && jose_jws_ver(NULL, flat, NULL, key, false);
  json_decref(flat);
  return ok;
}

static bool int_at_least(const json_t *o, const char *name, json_int_t min) {
  const json_t *v = json_object_get(o, name);
  return json_is_integer(v) && json_integer_value(v) >= min;
}

static bool envelope_ok(const json_t *e) {
  const char *sealed = json_string_value(json_object_get(e, "sealed"));
  ob_parts parts;
  return json_is_object(e) && pk_outbox_ref_valid(json_string_value(json_object_get(e, "ref"))) &&
         ob_uuid_valid(json_string_value(json_object_get(e, "idem_key"))) &&
         ob_id_valid(json_string_value(json_object_get(e, "service_id")), 31) && int_at_least(e, "created_at", 0) &&
         sealed && ob_split_compact(sealed, strlen(sealed), 5, &parts);
}

const char *ob_bundle_payload_problem(const json_t *pl, int64_t now) {
  const json_t *v = json_object_get(pl, "v"), *envs = json_object_get(pl, "envelopes");
  if (!json_is_integer(v) || json_integer_value(v) != 1) return "unknown bundle version";
  if (!ob_id_valid(json_string_value(json_object_get(pl, "kiosk_id")), 63) || !int_at_least(pl, "seq", 1) ||
      !int_at_least(pl, "created_at", 0) || !int_at_least(pl, "expires_at", 0) || !json_is_array(envs))
    return "malformed bundle";
  json_int_t created = json_integer_value(json_object_get(pl, "created_at"));
  json_int_t expires = json_integer_value(json_object_get(pl, "expires_at"));
  if (expires < created || expires - created > BUNDLE_MAX_VALID_S) return "bundle validity out of range";
  if (now > expires) return "bundle expired";
  for (size_t i = 0; i < json_array_size(envs); i++)
    if (!envelope_ok(json_array_get(envs, i))) return "malformed envelope in bundle";
  return NULL;
}

json_t *ob_bundle_verify(const char *text, size_t len, const char *device_jwks, int64_t now, char *err,
                         size_t errsz) {
  ob_parts p;
  while (len && (text[len - 1] == '\n' || text[len - 1] == '\r')) len--;
  if (!text || !ob_split_compact(text, len, 3, &p)) {
    ob_set_err(err, errsz, "not a bundle (compact JWS)");
    return NULL;
  }
  json_t *jwks = device_jwks ? json_loads(device_jwks, 0, NULL) : NULL;
  bool sig = jwks && signature_ok(&p, jwks);
  json_decref(jwks);
  if (!sig) {
    ob_set_err(err, errsz, "bundle signature does not verify with the exporting kiosk's JWKS");
    return NULL;
  }
  json_t *pl = ob_b64_json(p.p[1], p.n[1]);
  const char *why = pl ? ob_bundle_payload_problem(pl, now) : "malformed bundle";
  if (why) {
    ob_set_err(err, errsz, "%s", why);
    json_decref(pl);
    return NULL;
  }
  return pl;
}

/* ---- files --------------------------------------------------------------------------- */

static bool write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= (size_t)w;
  }
  return true;
}

static bool fsync_dir(const char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  bool ok = fd >= 0 && fsync(fd) == 0;
  if (fd >= 0) close(fd);
  return ok;
}

/* temp file + fsync + rename + fsync(dir): the name appears only for a complete file. */
static bool write_durably(const char *dir, const char *path, const char *text, size_t n) {
  char tmp[4096 + 8];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = write_all(fd, text, n) && fsync(fd) == 0;
  ok = close(fd) == 0 && ok;
  ok = ok && rename(tmp, path) == 0 && fsync_dir(dir);
  if (!ok) unlink(tmp);
  return ok;
}

/* The whole file, NUL-terminated; after fsync, DONTNEED drops the cached pages so the read goes
 * to the device rather than returning what we just wrote from memory. */
static char *read_file(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  struct stat st;
  char *buf = NULL;
  if (fstat(fd, &st) == 0 && st.st_size >= 0 && (size_t)st.st_size <= BUNDLE_MAX_BYTES &&
      (buf = malloc((size_t)st.st_size + 1))) {
    size_t got = 0;
    ssize_t r;
    while (got < (size_t)st.st_size && (r = read(fd, buf + got, (size_t)st.st_size - got)) != 0) {
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) break;
      got += (size_t)r;
    }
    buf[got] = '\0';
    *len = got;
    if (got != (size_t)st.st_size) free(buf), buf = NULL;
  }
  close(fd);
  return buf;
}

/* ---- export ---------------------------------------------------------------------------- */

typedef struct export_job {
  int64_t seq;
  json_t *refs;     /* refs in the bundle, to mark exported */
  json_t *payload;
  char path[4096];
} export_job;

static json_t *envelope_json(sqlite3_stmt *st) {
  return json_pack("{s:s,s:s,s:s,s:I,s:s}", "ref", sqlite3_column_text(st, 0), "idem_key",
                   sqlite3_column_text(st, 1), "service_id", sqlite3_column_text(st, 2), "created_at",
                   (json_int_t)sqlite3_column_int64(st, 3), "sealed", sqlite3_column_text(st, 4));
}

static int collect_locked(pk_outbox *ob, json_t *envs, json_t *refs) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(ob->db,
                         "SELECT ref, idem_key, service_id, created_at, sealed FROM rows WHERE sealed_offline = 1"
                         " AND state IN ('sending','queued') AND sealed IS NOT NULL ORDER BY rowid",
                         -1, &st, NULL) != SQLITE_OK)
    return PK_OB_EIO;
  int s;
  while ((s = sqlite3_step(st)) == SQLITE_ROW) {
    json_t *e = envelope_json(st);
    if (!e || json_array_append_new(envs, e) || json_array_append_new(refs, json_string(json_string_value(
                                                                              json_object_get(e, "ref"))))) {
      s = SQLITE_NOMEM;
      break;
    }
  }
  sqlite3_finalize(st);
  return s == SQLITE_DONE ? 0 : PK_OB_EIO;
}

static int exports_row_locked(pk_outbox *ob, int64_t seq, int64_t now, int64_t rows, const char *outcome,
                              const char *file, bool insert) {
  sqlite3_stmt *st = NULL;
  const char *sql = insert ? "INSERT INTO exports(seq, started_at, rows, outcome, file) VALUES(?1, ?2, ?3, ?4, ?5)"
                           : "UPDATE exports SET rows = ?3, outcome = ?4, file = ?5 WHERE seq = ?1 AND ?2 = ?2";
  if (sqlite3_prepare_v2(ob->db, sql, -1, &st, NULL) != SQLITE_OK) return PK_OB_EIO;
  sqlite3_bind_int64(st, 1, seq);
  sqlite3_bind_int64(st, 2, now);
  sqlite3_bind_int64(st, 3, rows);
  sqlite3_bind_text(st, 4, outcome, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, file, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : PK_OB_EIO;
  sqlite3_finalize(st);
  return rc;
}

static int64_t next_seq_locked(pk_outbox *ob) {
  sqlite3_stmt *st = NULL;
  int64_t seq = -1;
  if (sqlite3_prepare_v2(ob->db, "SELECT COALESCE(max(seq), 0) + 1 FROM exports", -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    seq = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return seq;
}

/* Reserves the next seq durably (logged as "writing") and takes the rows; a bundle with no rows
 * reserves nothing. */
static int reserve(pk_outbox *ob, export_job *job, const char *kiosk_id, int64_t now, int valid_s, char *err,
                   size_t errsz) {
  json_t *envs = json_array();
  job->refs = json_array();
  pthread_mutex_lock(&ob->lock);
  int rc = envs && job->refs && ob_begin(ob) == 0 ? collect_locked(ob, envs, job->refs) : PK_OB_EIO;
  if (rc == 0 && json_array_size(envs) > 0) {
    job->seq = next_seq_locked(ob);
    rc = job->seq > 0 ? exports_row_locked(ob, job->seq, now, (int64_t)json_array_size(envs), "writing", "", true)
                      : PK_OB_EIO;
    if (rc == 0) rc = ob_commit(ob);
  }
  if (rc) ob_db_err(ob, err, errsz);
  ob_rollback(ob);
  pthread_mutex_unlock(&ob->lock);
  if (rc == 0 && job->seq > 0)
    job->payload = json_pack("{s:i,s:s,s:I,s:I,s:I,s:O}", "v", 1, "kiosk_id", kiosk_id, "seq", (json_int_t)job->seq,
                             "created_at", (json_int_t)now, "expires_at", (json_int_t)(now + valid_s), "envelopes",
                             envs);
  json_decref(envs);
  return rc;
}

static json_t *device_jwk(const char *pem_path, const char *kid) {
  FILE *f = fopen(pem_path, "re");
  EVP_PKEY *key = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
  if (f) fclose(f);
  json_t *jwk = key ? jose_openssl_jwk_from_EVP_PKEY(NULL, key) : NULL;
  EVP_PKEY_free(key);
  if (jwk && (!str_is(jwk, "crv", "P-256") || json_object_set_new(jwk, "kid", json_string(kid)))) {
    json_decref(jwk);
    jwk = NULL;
  }
  return jwk;
}

static char *sign_compact(const json_t *payload, const json_t *jwk, const char *kid) {
  char *text = json_dumps(payload, JSON_COMPACT);
  json_t *jws = text ? json_pack("{s:o}", "payload", jose_b64_enc(text, strlen(text))) : NULL;
  free(text);
  json_t *sig = json_pack("{s:{s:s,s:s}}", "protected", "alg", "ES256", "kid", kid);
  char *out = NULL;
  if (jws && sig && jose_jws_sig(NULL, jws, sig, jwk)) {
    const char *p = json_string_value(json_object_get(jws, "protected"));
    const char *b = json_string_value(json_object_get(jws, "payload"));
    const char *s = json_string_value(json_object_get(jws, "signature"));
    size_t n = p && b && s ? strlen(p) + strlen(b) + strlen(s) + 4 : 0;
    if (n && (out = malloc(n))) snprintf(out, n, "%s.%s.%s\n", p, b, s);
  }
  json_decref(jws);
  json_decref(sig);
  return out;
}

/* The public half of the device key as a JWKS, to verify the read-back as an importer would. */
static char *own_jwks(const json_t *jwk) {
  json_t *pub = json_deep_copy(jwk);
  json_t *set = pub && jose_jwk_pub(NULL, pub) ? json_pack("{s:[o]}", "keys", pub) : NULL;
  if (!set) json_decref(pub);
  char *s = set ? json_dumps(set, JSON_COMPACT) : NULL;
  json_decref(set);
  return s;
}

static int read_back(const char *path, const char *written, const json_t *jwk, int64_t now, char *err,
                     size_t errsz) {
  size_t n = 0;
  char *back = read_file(path, &n);
  char *jwks = own_jwks(jwk);
  json_t *pl = back && jwks ? ob_bundle_verify(back, n, jwks, now, err, errsz) : NULL;
  bool same = back && pl && n == strlen(written) && memcmp(back, written, n) == 0;
  if (!same) ob_set_err(err, errsz, "read-back of %s does not match what was written (faulty medium?)", path);
  json_decref(pl);
  free(jwks);
  free(back);
  return same ? 0 : PK_OB_EIO;
}

static int write_and_check(export_job *job, const char *dir, const char *pem, const char *kid,
                           const char *kiosk_id, int64_t now, char *err, size_t errsz) {
  json_t *jwk = device_jwk(pem, kid);
  if (!jwk) {
    ob_set_err(err, errsz, "device key %s unreadable or not P-256", pem);
    return PK_OB_EINVAL;
  }
  char *text = job->payload ? sign_compact(job->payload, jwk, kid) : NULL;
  int rc = PK_OB_EIO;
  snprintf(job->path, sizeof job->path, "%s/%s-%lld.pkq", dir, kiosk_id, (long long)job->seq);
  if (!text) ob_set_err(err, errsz, "signing the bundle failed");
  else if (!write_durably(dir, job->path, text, strlen(text)))
    ob_set_err(err, errsz, "writing %s: %s", job->path, strerror(errno));
  else if ((rc = read_back(job->path, text, jwk, now, err, errsz)) != 0)
    unlink(job->path);
  json_decref(jwk);
  free(text);
  return rc;
}

/* Rows still pending move to exported; one a worker delivered meanwhile stays delivered. */
static int finish(pk_outbox *ob, const export_job *job, int64_t now, int rc, const char *why) {
  pthread_mutex_lock(&ob->lock);
  int r = ob_begin(ob);
  for (size_t i = 0; r == 0 && rc == 0 && i < json_array_size(job->refs); i++) {
    ob_change ch = {PK_OB_EXPORTED, OB_BIT(PK_OB_SENDING) | OB_BIT(PK_OB_QUEUED), .next_attempt = -1,
                    .export_seq = job->seq};
    r = ob_change_locked(ob, json_string_value(json_array_get(job->refs, i)), &ch, now);
    if (r == PK_OB_EINVAL || r == PK_OB_NOTFOUND) r = 0;
  }
  char outcome[200];
  snprintf(outcome, sizeof outcome, "%s%s", rc == 0 ? "ok" : "failed: ", rc == 0 ? "" : why);
  if (r == 0) r = exports_row_locked(ob, job->seq, now, (int64_t)json_array_size(job->refs), outcome,
                                     rc == 0 ? job->path : "", false);
  if (r == 0) r = ob_commit(ob);
  if (r) ob_rollback(ob);
  pthread_mutex_unlock(&ob->lock);
  return r;
}

int pk_outbox_export(pk_outbox *ob, const char *dir, const char *device_key_pem, const char *kid,
                     const char *kiosk_id, int64_t now, int valid_s, char *path_out, size_t path_cap,
                     size_t *count, char *err, size_t errsz) {
  if (count) *count = 0;
  if (path_out && path_cap) path_out[0] = '\0';
  if (!ob || !dir || strlen(dir) > 3900 || !device_key_pem || !ob_id_valid(kid, 63) || !ob_id_valid(kiosk_id, 63) || valid_s <= 0 ||
      valid_s > BUNDLE_MAX_VALID_S) {
    ob_set_err(err, errsz, "bad export arguments");
    return PK_OB_EINVAL;
  }
  export_job job = {0};
  int rc = reserve(ob, &job, kiosk_id, now, valid_s, err, errsz);
  if (rc == 0 && job.seq > 0) {
    rc = write_and_check(&job, dir, device_key_pem, kid, kiosk_id, now, err, errsz);
    int fin = finish(ob, &job, now, rc, err ? err : "");
    if (rc == 0 && fin) rc = ob_db_err(ob, err, errsz);
    if (rc == 0) {
      if (count) *count = json_array_size(job.refs);
      if (path_out) snprintf(path_out, path_cap, "%s", job.path);
    }
  }
  json_decref(job.refs);
  json_decref(job.payload);
  return rc;
}

/* ---- import ---------------------------------------------------------------------------- */

static int imported_locked(pk_outbox *ob, const char *kiosk_id, int64_t seq, int64_t now, int64_t rows,
                           bool record) {
  sqlite3_stmt *st = NULL;
  const char *sql = record ? "INSERT OR IGNORE INTO imports(kiosk_id, seq, imported_at, rows) VALUES(?1, ?2, ?3, ?4)"
                           : "SELECT 1 FROM imports WHERE kiosk_id = ?1 AND seq = ?2 AND ?3 = ?3 AND ?4 = ?4";
  if (sqlite3_prepare_v2(ob->db, sql, -1, &st, NULL) != SQLITE_OK) return PK_OB_EIO;
  sqlite3_bind_text(st, 1, kiosk_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, seq);
  sqlite3_bind_int64(st, 3, now);
  sqlite3_bind_int64(st, 4, rows);
  int s = sqlite3_step(st);
  sqlite3_finalize(st);
  return s == SQLITE_ROW ? 1 : s == SQLITE_DONE ? 0 : PK_OB_EIO;
}

static int import_mark(pk_outbox *ob, const char *kiosk_id, int64_t seq, int64_t now, int64_t rows, bool record) {
  pthread_mutex_lock(&ob->lock);
  int rc = record ? ob_begin(ob) : 0;
  if (rc == 0) rc = imported_locked(ob, kiosk_id, seq, now, rows, record);
  if (record && rc == 0) rc = ob_commit(ob);
  if (record && rc) ob_rollback(ob);
  pthread_mutex_unlock(&ob->lock);
  return rc;
}

static int forward(const json_t *envs, pk_outbox_envelope_cb cb, void *ud, size_t *count) {
  for (size_t i = 0; i < json_array_size(envs); i++) {
    const json_t *e = json_array_get(envs, i);
    pk_outbox_row meta = {0};
    snprintf(meta.ref, sizeof meta.ref, "%s", json_string_value(json_object_get(e, "ref")));
    snprintf(meta.idem_key, sizeof meta.idem_key, "%s", json_string_value(json_object_get(e, "idem_key")));
    snprintf(meta.service_id, sizeof meta.service_id, "%s", json_string_value(json_object_get(e, "service_id")));
    meta.created_at = json_integer_value(json_object_get(e, "created_at"));
    meta.sealed_offline = true;
    meta.sealed = (char *)json_string_value(json_object_get(e, "sealed"));
    if (cb && cb(ud, &meta, meta.sealed) != 0) return PK_OB_ECB;
    if (count) (*count)++;
  }
  return 0;
}

int pk_outbox_import(pk_outbox *ob, const char *file, const char *device_jwks, int64_t now,
                     pk_outbox_envelope_cb cb, void *ud, size_t *count, char *err, size_t errsz) {
  if (count) *count = 0;
  size_t n = 0;
  char *text = ob && file ? read_file(file, &n) : NULL;
  if (!text) {
    ob_set_err(err, errsz, "cannot read %s: %s", file ? file : "(null)", strerror(errno));
    return PK_OB_EIO;
  }
  json_t *pl = ob_bundle_verify(text, n, device_jwks, now, err, errsz);
  free(text);
  if (!pl) return PK_OB_EBUNDLE;
  const char *kiosk = json_string_value(json_object_get(pl, "kiosk_id"));
  int64_t seq = json_integer_value(json_object_get(pl, "seq"));
  const json_t *envs = json_object_get(pl, "envelopes");
  int rc = import_mark(ob, kiosk, seq, now, 0, false);
  if (rc == 1) {
    ob_set_err(err, errsz, "bundle %s-%lld was already imported here", kiosk, (long long)seq);
    rc = PK_OB_EBUNDLE;
  } else if (rc == 0 && (rc = forward(envs, cb, ud, count)) == 0) {
    rc = import_mark(ob, kiosk, seq, now, (int64_t)json_array_size(envs), true);
  }
  if (rc == PK_OB_ECB) ob_set_err(err, errsz, "forwarding stopped after %zu envelopes", count ? *count : 0);
  else if (rc == PK_OB_EIO) ob_db_err(ob, err, errsz);
  json_decref(pl);
  return rc;
}
