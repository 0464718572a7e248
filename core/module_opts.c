/* Settings to each module's own options (include/pishkhan/module_opts.h). */
#include "pishkhan/module_opts.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pk_config_printer_opts(const pk_config *cfg, pk_printer_opts *o) {
  memset(o, 0, sizeof *o);
  snprintf(o->kind, sizeof o->kind, "%s", cfg->printer);
  snprintf(o->dest, sizeof o->dest, "%s", cfg->printer_dest);
  o->paper_mm = cfg->paper_mm;
  const char *baud = pk_config_get(cfg, "receipt", "baud");
  o->baud = baud ? strtol(baud, NULL, 10) : 0;
  const char *server = pk_config_get(cfg, "receipt", "cups_server");
  snprintf(o->cups_server, sizeof o->cups_server, "%s", server ? server : "");
  const char *media = pk_config_get(cfg, "receipt", "cups_media");
  o->cups_roll = media && !strcmp(media, "roll");
}

/* The device's JWKS sits beside its key unless [receipt] device_jwks says otherwise. */
static char *device_jwks(const pk_config *cfg) {
  const char *v = pk_config_get(cfg, "receipt", "device_jwks");
  if (v) return strdup(v);
  if (!cfg->device_key[0]) return NULL;
  char *k = strdup(cfg->device_key), *out = NULL;
  if (k && asprintf(&out, "%s/jwks.json", dirname(k)) < 0) out = NULL;
  free(k);
  return out;
}

int pk_config_receipt_keys(const char *path, char **jwks, char **djwks, char *err, size_t errsz) {
  pk_config cfg;
  pk_config_defaults(&cfg);
  *jwks = *djwks = NULL;
  if (path && pk_config_load(&cfg, path, err, errsz)) {
    pk_config_free(&cfg);
    return -1;
  }
  *jwks = cfg.jwks[0] ? strdup(cfg.jwks) : NULL;
  *djwks = device_jwks(&cfg);
  pk_config_free(&cfg);
  return 0;
}
