/* Writes a catalog answer from the window into the store: every agency and service is
 * validated (ids, lengths, ranges, the form schema) and its display strings sanitized
 * before one transaction replaces the previous catalog. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"
#include "pishkhan/i18n.h"

#define IDCH "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
#define MAX_SERVICES 100000
#define MAX_AGENCIES 2000

static bool id_ok(const char *s, size_t max) {
  size_t n = s ? strlen(s) : 0;
  return n >= 1 && n <= max && strspn(s, IDCH) == n;
}

static const char *jstr(json_t *o, const char *k, size_t max) {
  json_t *v = json_object_get(o, k);
  if (!json_is_string(v) || json_string_length(v) > max) return NULL;
  const char *s = json_string_value(v);
  return strlen(s) == json_string_length(v) ? s : NULL;
}

static bool jbool(json_t *o, const char *k, bool *out) {
  json_t *v = json_object_get(o, k);
  if (!json_is_boolean(v)) return false;
  *out = json_is_true(v);
  return true;
}

/* Sanitized copy into a new jansson string (for re-serializing the form). */
static json_t *clean(const char *s, size_t max) {
  char *c = pk_sanitize(s ? s : "", max);
  json_t *j = c ? json_string(c) : NULL;
  free(c);
  return j;
}

static json_t *clean_form(json_t *form, char *err, size_t errsz) {
  json_t *fields = json_object_get(form, "fields");
  if (!json_is_array(fields) || json_array_size(fields) > 64) return snprintf(err, errsz, "form.fields"), NULL;
  json_t *out = json_array();
  size_t i;
  json_t *f;
  json_array_foreach(fields, i, f) {
    const char *name = jstr(f, "name", 31), *type = jstr(f, "type", 31), *lfa = jstr(f, "label_fa", 512);
    pk_field_type t;
    bool req;
    if (!json_is_object(f) || !id_ok(name, 31) || pk_field_type_parse(type, &t) || !lfa || !jbool(f, "required", &req)) {
      snprintf(err, errsz, "form field %zu", i);
      json_decref(out);
      return NULL;
    }
    json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:b}", "name", name, "type", type, "label_fa", clean(lfa, 256),
                          "label_en", clean(jstr(f, "label_en", 512), 256), "required", req);
    pk_prefill pf = pk_prefill_parse(jstr(f, "prefill", 31));
    if (pf) json_object_set_new(o, "prefill", json_string(pk_prefill_name(pf)));
    static const char *const ints[] = {"min_length", "max_length", "min", "max"};
    for (size_t k = 0; k < 4; k++) {
      json_t *v = json_object_get(f, ints[k]);
      if (!v) continue;
      json_int_t x = json_integer_value(v);
      if (!json_is_integer(v) || x < 0 || x > 999999999999999LL || (k < 2 && x > 10000)) {
        snprintf(err, errsz, "form field %s: %s", name, ints[k]);
        json_decref(o);
        json_decref(out);
        return NULL;
      }
      json_object_set_new(o, ints[k], json_integer(x));
    }
    if (t == PK_FIELD_CHOICE) {
      json_t *ch = json_object_get(f, "choices"), *cv = json_array();
      size_t n = json_array_size(ch), k;
      json_t *c;
      bool bad = !json_is_array(ch) || n == 0 || n > 200;
      json_array_foreach(ch, k, c) {
        const char *v = jstr(c, "value", 63), *cfa = jstr(c, "label_fa", 512);
        if (!v || !*v || !cfa) {
          bad = true;
          break;
        }
        json_array_append_new(cv, json_pack("{s:o, s:o, s:o}", "value", clean(v, 63), "label_fa", clean(cfa, 256),
                                            "label_en", clean(jstr(c, "label_en", 512), 256)));
      }
      if (bad) {
        snprintf(err, errsz, "form field %s: choices", name);
        json_decref(cv);
        json_decref(o);
        json_decref(out);
        return NULL;
      }
      json_object_set_new(o, "choices", cv);
    }
    json_array_append_new(out, o);
  }
  return out;
}

static unsigned channels(json_t *a) {
  unsigned m = 0;
  size_t i;
  json_t *v;
  json_array_foreach(a, i, v) {
    const char *s = json_string_value(v);
    if (!s) continue;
    if (!strcmp(s, "kiosk")) m |= PK_CHANNEL_KIOSK;
    else if (!strcmp(s, "web")) m |= PK_CHANNEL_WEB;
    else if (!strcmp(s, "counter")) m |= PK_CHANNEL_COUNTER;
    else if (!strcmp(s, "app")) m |= PK_CHANNEL_APP;
  }
  return m;
}

static int bind_clean(sqlite3_stmt *st, int i, const char *s, size_t max) {
  char *c = pk_sanitize(s ? s : "", max);
  if (!c) return -1;
  return sqlite3_bind_text(st, i, c, -1, free) == SQLITE_OK ? 0 : -1;
}

static int insert_service(sqlite3_stmt *st, json_t *s, char *err, size_t errsz) {
  const char *id = jstr(s, "id", 31), *ag = jstr(s, "agency_id", 31), *tfa = jstr(s, "title_fa", 1024),
             *ten = jstr(s, "title_en", 1024), *dfa = jstr(s, "description_fa", 8192),
             *den = jstr(s, "description_en", 8192);
  json_t *lv = json_object_get(s, "auth_level"), *fee = json_object_get(s, "fee_rials");
  bool smart, pro, off;
  if (!json_is_object(s) || !id_ok(id, 31) || !id_ok(ag, 31) || !tfa || !*tfa || !ten || !dfa || !den ||
      !json_is_integer(lv) || json_integer_value(lv) < 1 || json_integer_value(lv) > 3 || !json_is_integer(fee) ||
      json_integer_value(fee) < 0 || json_integer_value(fee) > 999999999999999LL || !jbool(s, "smart", &smart) ||
      !jbool(s, "proactive", &pro) || !jbool(s, "offline_capable", &off) ||
      !json_is_array(json_object_get(s, "channels")) || !json_is_array(json_object_get(s, "documents"))) {
    snprintf(err, errsz, "service %s", id_ok(id, 31) ? id : "?");
    return -1;
  }
  json_t *form = clean_form(json_object_get(s, "form"), err, errsz);
  if (!form) return -1;
  json_t *docs = json_array();
  size_t i;
  json_t *d;
  json_array_foreach(json_object_get(s, "documents"), i, d) {
    if (i >= 32) break;
    json_array_append_new(docs, json_pack("{s:o, s:o}", "fa", clean(jstr(d, "fa", 512), 256), "en",
                                          clean(jstr(d, "en", 512), 256)));
  }
  json_t *fw = json_pack("{s:o}", "fields", form);
  char *fj = json_dumps(fw, JSON_COMPACT), *dj = json_dumps(docs, JSON_COMPACT);
  json_decref(fw);
  json_decref(docs);
  sqlite3_reset(st);
  int rc = (!fj || !dj || sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT) || sqlite3_bind_text(st, 2, ag, -1, SQLITE_TRANSIENT) ||
            bind_clean(st, 3, tfa, 512) || bind_clean(st, 4, ten, 512) || bind_clean(st, 5, dfa, 4096) ||
            bind_clean(st, 6, den, 4096) || sqlite3_bind_int(st, 7, (int)json_integer_value(lv)) ||
            sqlite3_bind_int(st, 8, smart) || sqlite3_bind_int(st, 9, pro) || sqlite3_bind_int(st, 10, off) ||
            sqlite3_bind_int(st, 11, (int)channels(json_object_get(s, "channels"))) ||
            sqlite3_bind_int64(st, 12, json_integer_value(fee)) || sqlite3_bind_text(st, 13, dj, -1, SQLITE_TRANSIENT) ||
            sqlite3_bind_text(st, 14, fj, -1, SQLITE_TRANSIENT) || sqlite3_step(st) != SQLITE_DONE)
             ? -1 : 0;
  if (rc) snprintf(err, errsz, "service %s (duplicate id or store error)", id);
  pk_net_free_text(fj);
  pk_net_free_text(dj);
  return rc;
}

static int write_all(pk_catalog *c, json_t *root, const char *etag, char *err, size_t errsz) {
  json_t *ags = json_object_get(root, "agencies"), *svcs = json_object_get(root, "services");
  json_t *ver = json_object_get(root, "version");
  if (!json_is_integer(ver) || json_integer_value(ver) < 1 || !json_is_array(ags) || !json_is_array(svcs) ||
      json_array_size(ags) > MAX_AGENCIES || json_array_size(svcs) > MAX_SERVICES)
    return snprintf(err, errsz, "catalog envelope"), -1;
  if (sqlite3_exec(c->db, "DELETE FROM agencies; DELETE FROM services; DELETE FROM meta;", NULL, NULL, NULL))
    return snprintf(err, errsz, "store: %s", sqlite3_errmsg(c->db)), -1;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(c->db, "INSERT INTO agencies VALUES(?,?,?)", -1, &st, NULL)) return -1;
  size_t i;
  json_t *a;
  json_t *known = json_object();
  int rc = 0;
  json_array_foreach(ags, i, a) {
    const char *id = jstr(a, "id", 31), *fa = jstr(a, "name_fa", 1024), *en = jstr(a, "name_en", 1024);
    sqlite3_reset(st);
    if (!json_is_object(a) || !id_ok(id, 31) || !fa || !*fa || !en || sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT) ||
        bind_clean(st, 2, fa, 512) || bind_clean(st, 3, en, 512) || sqlite3_step(st) != SQLITE_DONE) {
      snprintf(err, errsz, "agency %zu", i);
      rc = -1;
      break;
    }
    json_object_set_new(known, id, json_true());
  }
  sqlite3_finalize(st);
  if (!rc && sqlite3_prepare_v2(c->db, "INSERT INTO services VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL) == SQLITE_OK) {
    json_array_foreach(svcs, i, a) {
      if (!json_object_get(known, json_string_value(json_object_get(a, "agency_id")) ? json_string_value(json_object_get(a, "agency_id")) : "")) {
        snprintf(err, errsz, "service %zu: unknown agency", i);
        rc = -1;
        break;
      }
      if ((rc = insert_service(st, a, err, errsz))) break;
    }
    sqlite3_finalize(st);
  } else if (!rc) {
    rc = -1;
  }
  json_decref(known);
  if (rc) return -1;
  char *sql = sqlite3_mprintf("INSERT INTO meta VALUES('version','%lld'),('etag',%Q)",
                              (long long)json_integer_value(ver), etag ? etag : "");
  rc = sqlite3_exec(c->db, sql, NULL, NULL, NULL) ? -1 : 0;
  sqlite3_free(sql);
  return rc;
}

/* A failure of the store itself (not of the catalog's content). */
static bool store_failed(sqlite3 *db) {
  switch (sqlite3_errcode(db)) {
  case SQLITE_FULL:
  case SQLITE_IOERR:
  case SQLITE_READONLY:
  case SQLITE_CANTOPEN:
  case SQLITE_NOMEM:
  case SQLITE_CORRUPT:
  case SQLITE_NOTADB:
  case SQLITE_PERM:
  case SQLITE_BUSY:
  case SQLITE_LOCKED: return true;
  default: return false;
  }
}

/* A rolled-back replace leaves the pages it spilled in the WAL: on a full disk they would
 * keep it full. (Nothing committed waits there, so truncating it needs no space.) */
static void abandon(pk_catalog *c, int *store, char *err, size_t errsz) {
  if (store_failed(c->db)) {
    *store = 1;
    snprintf(err, errsz, "store: %s", sqlite3_errmsg(c->db));
  }
  sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
  pk_catalog_shrink_wal(c);
}

int pk_catalog_replace_json_store(pk_catalog *c, const char *body, size_t len, const char *etag, char *err,
                                  size_t errsz, int *store) {
  char dummy[8];
  int store_dummy;
  if (!err || !errsz) err = dummy, errsz = sizeof dummy;
  if (!store) store = &store_dummy;
  err[0] = 0;
  *store = 0;
  if (etag && strlen(etag) >= sizeof c->etag) etag = "";
  json_error_t je;
  json_t *root = body && len ? json_loadb(body, len, JSON_REJECT_DUPLICATES, &je) : NULL;
  if (!json_is_object(root)) {
    json_decref(root);
    snprintf(err, errsz, "catalog is not a JSON object");
    return -1;
  }
  int rc = -1;
  if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK) {
    rc = write_all(c, root, etag, err, errsz);
    if (rc == 0 && sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) rc = -1;
    if (rc) abandon(c, store, err, errsz);
    else pk_catalog_shrink_wal(c);
  } else {
    *store = 1;
    snprintf(err, errsz, "store: %s", sqlite3_errmsg(c->db));
  }
  json_decref(root);
  if (rc == 0 && pk_catalog_load(c) != 0) {
    *store = 1;
    snprintf(err, errsz, "store: reload failed: %s", sqlite3_errmsg(c->db));
    return -1;
  }
  if (rc) pk_catalog_load(c); /* the previous catalog, untouched */
  return rc;
}

int pk_catalog_replace_json(pk_catalog *c, const char *body, size_t len, const char *etag, char *err,
                            size_t errsz) {
  return pk_catalog_replace_json_store(c, body, len, etag, err, errsz, NULL);
}
