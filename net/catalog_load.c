/* Loads the stored catalog into memory: agencies and services sorted with the Persian
 * collator, search keys folded once (so a keystroke is a plain substring scan). */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"
#include "pishkhan/i18n.h"

void pk_catalog_unload(pk_catalog *c) {
  if (c->forms)
    for (size_t i = 0; i < c->nservices; i++) free(c->forms[i].fields);
  free(c->forms);
  free(c->agencies);
  free(c->agency_first);
  free(c->services);
  free(c->keys);
  free(c->by_id);
  pk_net_pool_free(&c->pool);
  c->agencies = NULL;
  c->agency_first = NULL;
  c->services = NULL;
  c->forms = NULL;
  c->keys = NULL;
  c->by_id = NULL;
  c->nagencies = c->nservices = 0;
}

static const char *keep(pk_catalog *c, const unsigned char *s) {
  return pk_net_pool_add(&c->pool, strdup(s ? (const char *)s : ""));
}

static int meta(pk_catalog *c) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(c->db, "SELECT key,value FROM meta", -1, &st, NULL) != SQLITE_OK) return -1;
  c->version = 0;
  c->etag[0] = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *k = (const char *)sqlite3_column_text(st, 0), *v = (const char *)sqlite3_column_text(st, 1);
    if (!strcmp(k, "version")) c->version = atol(v);
    else if (!strcmp(k, "etag")) snprintf(c->etag, sizeof c->etag, "%s", v);
  }
  sqlite3_finalize(st);
  return 0;
}

static int cmp_agency(const void *a, const void *b) {
  return pk_collate_fa(((const pk_agency *)a)->name_fa, ((const pk_agency *)b)->name_fa);
}

static int load_agencies(pk_catalog *c) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(c->db, "SELECT count(*) FROM agencies", -1, &st, NULL) != SQLITE_OK) return -1;
  size_t n = sqlite3_step(st) == SQLITE_ROW ? (size_t)sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  c->agencies = calloc(n ? n : 1, sizeof *c->agencies);
  c->agency_first = calloc(n ? n : 1, sizeof *c->agency_first);
  if (!c->agencies || !c->agency_first) return -1;
  if (sqlite3_prepare_v2(c->db, "SELECT id,name_fa,name_en FROM agencies", -1, &st, NULL) != SQLITE_OK) return -1;
  while (c->nagencies < n && sqlite3_step(st) == SQLITE_ROW) {
    pk_agency *a = &c->agencies[c->nagencies++];
    a->id = keep(c, sqlite3_column_text(st, 0));
    a->name_fa = keep(c, sqlite3_column_text(st, 1));
    a->name_en = keep(c, sqlite3_column_text(st, 2));
    if (!a->id || !a->name_fa || !a->name_en) {
      sqlite3_finalize(st);
      return -1;
    }
  }
  sqlite3_finalize(st);
  qsort(c->agencies, c->nagencies, sizeof *c->agencies, cmp_agency);
  return 0;
}

typedef struct {
  pk_service s;
  size_t agency;
} svc_row;

static int cmp_svc(const void *a, const void *b) {
  const svc_row *x = a, *y = b;
  if (x->agency != y->agency) return x->agency < y->agency ? -1 : 1;
  int r = pk_collate_fa(x->s.title_fa, y->s.title_fa);
  return r ? r : strcmp(x->s.id, y->s.id);
}

static const pk_catalog *sort_cat;
static int cmp_byid(const void *a, const void *b) {
  return strcmp(sort_cat->services[*(const size_t *)a].id, sort_cat->services[*(const size_t *)b].id);
}

/* The required documents in both languages (the store keeps {"fa","en"} pairs); false when
 * memory ran out. A document without its Persian name is not one. */
static bool documents(pk_catalog *c, const char *json, pk_service *s) {
  json_t *j = json_loads(json, 0, NULL);
  size_t m = json_array_size(j);
  const char **fa = pk_net_pool_add(&c->pool, calloc(m ? m : 1, sizeof *fa));
  const char **en = pk_net_pool_add(&c->pool, calloc(m ? m : 1, sizeof *en));
  size_t n = 0;
  for (size_t i = 0; fa && en && i < m; i++) {
    json_t *d = json_array_get(j, i);
    const char *f = json_string_value(json_object_get(d, "fa")), *e = json_string_value(json_object_get(d, "en"));
    if (!f || !(fa[n] = pk_net_pool_add(&c->pool, strdup(f)))) continue;
    en[n] = pk_net_pool_add(&c->pool, strdup(e ? e : ""));
    if (en[n]) n++;
  }
  json_decref(j);
  s->documents_fa = fa;
  s->documents_en = en;
  s->ndocuments = n;
  return fa && en;
}

static size_t agency_index(pk_catalog *c, const char *id) {
  for (size_t i = 0; i < c->nagencies; i++)
    if (!strcmp(c->agencies[i].id, id)) return i;
  return (size_t)-1;
}

static int load_services(pk_catalog *c) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(c->db, "SELECT count(*) FROM services", -1, &st, NULL) != SQLITE_OK) return -1;
  size_t n = sqlite3_step(st) == SQLITE_ROW ? (size_t)sqlite3_column_int64(st, 0) : 0;
  sqlite3_finalize(st);
  svc_row *rows = calloc(n ? n : 1, sizeof *rows);
  if (!rows) return -1;
  if (sqlite3_prepare_v2(c->db, "SELECT id,agency_id,title_fa,title_en,desc_fa,desc_en,auth_level,smart,proactive,"
                                "offline_capable,channels,fee,documents FROM services", -1, &st, NULL) != SQLITE_OK) {
    free(rows);
    return -1;
  }
  size_t m = 0;
  int rc = 0;
  while (m < n && sqlite3_step(st) == SQLITE_ROW) {
    svc_row *r = &rows[m];
    r->agency = agency_index(c, (const char *)sqlite3_column_text(st, 1));
    if (r->agency == (size_t)-1) continue; /* orphan: sync validation makes this impossible */
    r->s.id = keep(c, sqlite3_column_text(st, 0));
    r->s.agency_id = c->agencies[r->agency].id;
    r->s.title_fa = keep(c, sqlite3_column_text(st, 2));
    r->s.title_en = keep(c, sqlite3_column_text(st, 3));
    r->s.desc_fa = keep(c, sqlite3_column_text(st, 4));
    r->s.desc_en = keep(c, sqlite3_column_text(st, 5));
    r->s.auth_level = sqlite3_column_int(st, 6);
    r->s.smart = sqlite3_column_int(st, 7);
    r->s.proactive = sqlite3_column_int(st, 8);
    r->s.offline_capable = sqlite3_column_int(st, 9);
    r->s.channels = (unsigned)sqlite3_column_int(st, 10);
    r->s.fee_rials = sqlite3_column_int64(st, 11);
    bool docs = documents(c, (const char *)sqlite3_column_text(st, 12), &r->s);
    if (!r->s.id || !r->s.title_fa || !r->s.title_en || !r->s.desc_fa || !r->s.desc_en || !docs) {
      rc = -1;
      break;
    }
    m++;
  }
  sqlite3_finalize(st);
  if (rc == 0) qsort(rows, m, sizeof *rows, cmp_svc);
  c->services = calloc(m ? m : 1, sizeof *c->services);
  c->forms = calloc(m ? m : 1, sizeof *c->forms);
  c->keys = calloc(m ? m : 1, sizeof *c->keys);
  c->by_id = calloc(m ? m : 1, sizeof *c->by_id);
  if (rc || !c->services || !c->forms || !c->keys || !c->by_id) {
    free(rows);
    return -1;
  }
  for (size_t i = 0; i < m; i++) {
    c->services[i] = rows[i].s;
    c->by_id[i] = i;
    pk_agency *a = &c->agencies[rows[i].agency];
    if (a->nservices++ == 0) c->agency_first[rows[i].agency] = i;
    char *fa = pk_catalog_fold(rows[i].s.title_fa), *en = pk_catalog_fold(rows[i].s.title_en);
    char *k = NULL;
    if (fa && en && asprintf(&k, "%s\n%s", fa, en) < 0) k = NULL;
    free(fa);
    free(en);
    if (!(c->keys[i] = pk_net_pool_add(&c->pool, k))) rc = -1;
  }
  c->nservices = m;
  free(rows);
  sort_cat = c;
  qsort(c->by_id, m, sizeof *c->by_id, cmp_byid);
  sort_cat = NULL;
  return rc;
}

int pk_catalog_load(pk_catalog *c) {
  pk_catalog_unload(c);
  if (meta(c) || load_agencies(c) || load_services(c)) {
    pk_catalog_unload(c);
    return -1;
  }
  return 0;
}
