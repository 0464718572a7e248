/* The kiosk's catalog: SQLite on disk, arrays in memory. A sync validates the whole answer
 * first, then replaces everything in one transaction, then reloads; a bad answer leaves the
 * previous catalog untouched. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"
#include "pishkhan/i18n.h"

static const char *schema =
  "PRAGMA journal_mode=WAL;"
  /* A kiosk reads the store once at start and by id afterwards: a small page cache will do. */
  "PRAGMA cache_size=-256;"
  "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS agencies(id TEXT PRIMARY KEY, name_fa TEXT NOT NULL, name_en TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS services(id TEXT PRIMARY KEY, agency_id TEXT NOT NULL, title_fa TEXT NOT NULL,"
  " title_en TEXT NOT NULL, desc_fa TEXT NOT NULL, desc_en TEXT NOT NULL, auth_level INTEGER NOT NULL,"
  " smart INTEGER NOT NULL, proactive INTEGER NOT NULL, offline_capable INTEGER NOT NULL,"
  " channels INTEGER NOT NULL, fee INTEGER NOT NULL, documents TEXT NOT NULL, form TEXT NOT NULL);";

const char *pk_field_type_name(pk_field_type t) {
  static const char *const n[] = {"text", "digits", "national_code", "mobile", "postal_code", "jalali_date",
                                  "choice", "amount"};
  return (unsigned)t < 8 ? n[t] : "?";
}

int pk_field_type_parse(const char *s, pk_field_type *out) {
  for (int i = 0; s && i < 8; i++)
    if (!strcmp(s, pk_field_type_name((pk_field_type)i))) {
      *out = (pk_field_type)i;
      return 0;
    }
  return -1;
}

const char *pk_prefill_name(pk_prefill p) {
  static const char *const n[PK_PREFILL_COUNT] = {"", "national_code", "full_name", "birth_date", "mobile",
                                                  "postal_code"};
  return (unsigned)p < PK_PREFILL_COUNT ? n[p] : "";
}

pk_prefill pk_prefill_parse(const char *s) {
  for (int i = 1; s && i < PK_PREFILL_COUNT; i++)
    if (!strcmp(s, pk_prefill_name((pk_prefill)i))) return (pk_prefill)i;
  return PK_PREFILL_NONE;
}

char *pk_catalog_fold(const char *s) { return pk_normalize_fa(s ? s : ""); }

static void set_err(char **err, const char *what, sqlite3 *db) {
  if (err && asprintf(err, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory") < 0) *err = NULL;
}

/* Copies what the WAL holds into the store and empties it: a failed write later then finds
 * nothing committed in the WAL, and can give its space back even on a full disk. */
void pk_catalog_shrink_wal(pk_catalog *c) {
  sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
}

pk_catalog *pk_catalog_open(const char *path, char **err) {
  if (err) *err = NULL;
  pk_catalog *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
      sqlite3_exec(c->db, schema, NULL, NULL, NULL) != SQLITE_OK) {
    set_err(err, "cannot open the catalog store", c->db);
    pk_catalog_close(c);
    return NULL;
  }
  sqlite3_busy_timeout(c->db, 2000);
  pk_catalog_shrink_wal(c);
  if (pk_catalog_load(c) != 0) {
    set_err(err, "cannot load the catalog store", c->db);
    pk_catalog_close(c);
    return NULL;
  }
  return c;
}

void pk_catalog_close(pk_catalog *c) {
  if (!c) return;
  pk_catalog_unload(c);
  if (c->db) sqlite3_close(c->db);
  free(c);
}

long pk_catalog_version(const pk_catalog *c) { return c ? c->version : 0; }
const char *pk_catalog_etag(const pk_catalog *c) { return c ? c->etag : ""; }

/* A kiosk's catalog loads after its first frame: until then (c NULL) it is an empty one. */
size_t pk_catalog_agencies(const pk_catalog *c, const pk_agency **out) {
  if (out) *out = c ? c->agencies : NULL;
  return c ? c->nagencies : 0;
}

const pk_agency *pk_catalog_agency(const pk_catalog *c, const char *id) {
  for (size_t i = 0; c && id && i < c->nagencies; i++)
    if (!strcmp(c->agencies[i].id, id)) return &c->agencies[i];
  return NULL;
}

size_t pk_catalog_service_count(const pk_catalog *c) { return c ? c->nservices : 0; }

size_t pk_catalog_services_of(const pk_catalog *c, const char *agency_id, const pk_service **out, size_t max) {
  const pk_agency *a = pk_catalog_agency(c, agency_id);
  if (!a) return 0;
  size_t ai = (size_t)(a - c->agencies), first = c->agency_first[ai], n = a->nservices;
  for (size_t i = 0; out && i < n && i < max; i++) out[i] = &c->services[first + i];
  return n;
}

static int cmp_id(const void *k, const void *e) {
  const pk_catalog *c = ((const struct id_key *)k)->cat;
  return strcmp(((const struct id_key *)k)->id, c->services[*(const size_t *)e].id);
}

const pk_service *pk_catalog_service(const pk_catalog *c, const char *id) {
  if (!id || !c || !c->nservices) return NULL;
  struct id_key k = {id, c};
  const size_t *hit = bsearch(&k, c->by_id, c->nservices, sizeof *c->by_id, cmp_id);
  return hit ? &c->services[*hit] : NULL;
}

/* ---- search ---- */
typedef struct {
  size_t idx;
  unsigned score;
  size_t len;
} hit;

static int cmp_hit(const void *a, const void *b) {
  const hit *x = a, *y = b;
  if (x->score != y->score) return x->score < y->score ? -1 : 1;
  if (x->len != y->len) return x->len < y->len ? -1 : 1;
  return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static size_t search_titles(const pk_catalog *c, const char *query, const pk_service **results, size_t max,
                            const pk_service *skip) {
  char *q = pk_catalog_fold(query);
  if (!q) return 0;
  char *phrase = strdup(q);
  char *words[16];
  size_t nw = 0, n = 0;
  char *save = NULL;
  for (char *t = strtok_r(q, " ", &save); t && nw < 16; t = strtok_r(NULL, " ", &save)) words[nw++] = t;
  hit *hits = nw && max && phrase ? malloc(c->nservices * sizeof *hits) : NULL;
  size_t nh = 0;
  for (size_t i = 0; hits && i < c->nservices; i++) {
    const char *key = c->keys[i];
    size_t w = 0;
    while (w < nw && strstr(key, words[w])) w++;
    if (w < nw || &c->services[i] == skip) continue;
    const char *p = strstr(key, phrase);
    const char *nl = strchr(key, '\n');
    unsigned tier = !p ? 2 : (p == key || (nl && p == nl + 1)) ? 0 : 1;
    hits[nh++] = (hit){i, tier * 2 + (c->services[i].smart ? 0 : 1), nl ? (size_t)(nl - key) : strlen(key)};
  }
  if (hits) {
    qsort(hits, nh, sizeof *hits, cmp_hit);
    for (; n < nh && n < max; n++) results[n] = &c->services[hits[n].idx];
  }
  free(hits);
  free(phrase);
  free(q);
  return n;
}

/* Every word of the query must appear; the whole query at the start of a title ranks
 * first, then the whole query anywhere, then scattered words; smart services and shorter
 * titles first within a rank. A query that is a service's id (a clerk who knows it) finds
 * that service first. */
size_t pk_catalog_search(const pk_catalog *c, const char *query, const pk_service **results, size_t max) {
  if (!c) return 0;
  const pk_service *by_id = max ? pk_catalog_service(c, query) : NULL;
  if (by_id) {
    results[0] = by_id;
    size_t more = search_titles(c, query, results + 1, max - 1, by_id);
    return 1 + more;
  }
  return search_titles(c, query, results, max, NULL);
}
