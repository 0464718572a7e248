/* A service's form, parsed from its stored (already validated and sanitized) schema the
 * first time the service is opened, then cached until the next sync. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "catalog_internal.h"

static const char *keep(pk_catalog *c, const char *s) { return pk_net_pool_add(&c->pool, strdup(s ? s : "")); }

static int parse_field(pk_catalog *c, json_t *f, pk_form_field *out) {
  if (pk_field_type_parse(json_string_value(json_object_get(f, "type")), &out->type)) return -1;
  out->name = keep(c, json_string_value(json_object_get(f, "name")));
  out->label_fa = keep(c, json_string_value(json_object_get(f, "label_fa")));
  out->label_en = keep(c, json_string_value(json_object_get(f, "label_en")));
  out->hint_fa = keep(c, json_string_value(json_object_get(f, "hint_fa")));
  out->hint_en = keep(c, json_string_value(json_object_get(f, "hint_en")));
  out->required = json_is_true(json_object_get(f, "required"));
  out->min_len = (int)json_integer_value(json_object_get(f, "min_length"));
  out->max_len = (int)json_integer_value(json_object_get(f, "max_length"));
  out->min = json_integer_value(json_object_get(f, "min"));
  out->max = json_integer_value(json_object_get(f, "max"));
  out->prefill = pk_prefill_parse(json_string_value(json_object_get(f, "prefill")));
  json_t *ch = json_object_get(f, "choices");
  size_t n = json_array_size(ch);
  if (n) {
    pk_field_choice *v = pk_net_pool_add(&c->pool, calloc(n, sizeof *v));
    if (!v) return -1;
    for (size_t i = 0; i < n; i++) {
      json_t *o = json_array_get(ch, i);
      v[i].value = keep(c, json_string_value(json_object_get(o, "value")));
      v[i].label_fa = keep(c, json_string_value(json_object_get(o, "label_fa")));
      v[i].label_en = keep(c, json_string_value(json_object_get(o, "label_en")));
      if (!v[i].value || !v[i].label_fa || !v[i].label_en) return -1;
    }
    out->choices = v;
    out->nchoices = n;
  }
  return out->name && out->label_fa && out->label_en && out->hint_fa && out->hint_en ? 0 : -1;
}

/* Forms are read from the store when a citizen opens one: keeping 5,000 forms' JSON in
 * memory would cost a kiosk several megabytes for the few it ever shows. */
static json_t *load_form(pk_catalog *c, const char *id) {
  sqlite3_stmt *st;
  json_t *j = NULL;
  if (sqlite3_prepare_v2(c->db, "SELECT form FROM services WHERE id=?", -1, &st, NULL) != SQLITE_OK) return NULL;
  sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) j = json_loads((const char *)sqlite3_column_text(st, 0), 0, NULL);
  sqlite3_finalize(st);
  return j;
}

const pk_form_field *pk_catalog_form(pk_catalog *c, const pk_service *svc, size_t *n) {
  *n = 0;
  if (!c || !svc || svc < c->services || svc >= c->services + c->nservices) return NULL;
  size_t i = (size_t)(svc - c->services);
  pk_form_cache *fc = &c->forms[i];
  if (!fc->parsed) {
    fc->parsed = true;
    json_t *j = load_form(c, svc->id);
    json_t *fields = json_object_get(j, "fields");
    size_t m = json_array_size(fields);
    fc->fields = m ? calloc(m, sizeof *fc->fields) : NULL;
    for (size_t k = 0; fc->fields && k < m; k++) {
      if (parse_field(c, json_array_get(fields, k), &fc->fields[k])) {
        free(fc->fields);
        fc->fields = NULL;
        m = 0;
        break;
      }
    }
    fc->n = fc->fields ? m : 0;
    json_decref(j);
  }
  *n = fc->n;
  return fc->fields;
}
