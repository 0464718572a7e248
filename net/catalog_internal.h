/* Internals of the catalog store. */
#ifndef PK_CATALOG_INTERNAL_H
#define PK_CATALOG_INTERNAL_H
#include <sqlite3.h>
#include <stdbool.h>

#include "net_parse.h"
#include "pishkhan/catalog.h"

typedef struct pk_form_cache {
  bool parsed;
  size_t n;
  pk_form_field *fields;
} pk_form_cache;

struct pk_catalog {
  sqlite3 *db;
  long version;
  char etag[160];
  pk_agency *agencies;      /* sorted by Persian name */
  size_t nagencies;
  size_t *agency_first;     /* index of each agency's first service */
  pk_service *services;     /* grouped by agency (agency order), sorted by Persian title */
  size_t nservices;
  pk_form_cache *forms;     /* per service, parsed on demand */
  char **keys;              /* folded "title_fa\ntitle_en" per service */
  size_t *by_id;            /* service indices sorted by id */
  pk_net_pool pool;         /* every string and small array above */
};

struct id_key {
  const char *id;
  const pk_catalog *cat;
};

int pk_catalog_load(pk_catalog *c);
void pk_catalog_shrink_wal(pk_catalog *c);
/* pk_catalog_replace_json; *store = 1 when the store itself failed (full disk, read-only),
 * and then err holds the store's own message. */
int pk_catalog_replace_json_store(pk_catalog *c, const char *body, size_t len, const char *etag, char *err,
                                  size_t errsz, int *store);
void pk_catalog_unload(pk_catalog *c);

#endif
