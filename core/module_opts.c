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
  o->confirm_ms = cfg->print_confirm_ms;
  const char *baud = pk_config_get(cfg, "receipt", "baud");
  o->baud = baud ? strtol(baud, NULL, 10) : 0;
  const char *server = pk_config_get(cfg, "receipt", "cups_server");
  snprintf(o->cups_server, sizeof o->cups_server, "%s", server ? server : "");
  const char *media = pk_config_get(cfg, "receipt", "cups_media");
  o->cups_roll = media && !strcmp(media, "roll");
}

void pk_config_pay_opts(const pk_config *cfg, pk_pay_opts *o) {
  *o = PK_PAY_OPTS_DEFAULT;
  o->sale_timeout_ms = cfg->pay_sale_timeout_ms;
}

/* pos-tcp's destination is host:port; the serial line's speed is [payment] baud (115200). */
pk_pay_terminal *pk_config_pay_terminal(const pk_config *cfg) {
  const char *dest = cfg->pay_terminal_dest, *colon = strrchr(dest, ':');
  if (!strcmp(cfg->pay_terminal, "pos-tcp") && colon && colon != dest) {
    char host[PK_CFG_STR];
    snprintf(host, sizeof host, "%.*s", (int)(colon - dest), dest);
    long port = strtol(colon + 1, NULL, 10);
    if (port <= 0 || port > 65535) return NULL;
    return pk_pay_pos_tcp_open(host, (int)port, &pk_pay_framing_pkpos, cfg->pay_terminal_id);
  }
  if (!strcmp(cfg->pay_terminal, "pos-serial") && dest[0]) {
    const char *baud = pk_config_get(cfg, "payment", "baud");
    return pk_pay_pos_serial_open(dest, baud ? (int)strtol(baud, NULL, 10) : 115200, &pk_pay_framing_pkpos,
                                  cfg->pay_terminal_id);
  }
  return NULL;
}

void pk_config_net_opts(const pk_config *cfg, pk_net_opts *o) {
  memset(o, 0, sizeof *o);
  snprintf(o->url, sizeof o->url, "%s", cfg->url);
  snprintf(o->kiosk_id, sizeof o->kiosk_id, "%s", cfg->kiosk_id);
  snprintf(o->ca_bundle, sizeof o->ca_bundle, "%s", cfg->ca_bundle);
  snprintf(o->client_cert, sizeof o->client_cert, "%s", cfg->client_cert);
  snprintf(o->client_key, sizeof o->client_key, "%s", cfg->client_key);
  snprintf(o->pinned_pubkey, sizeof o->pinned_pubkey, "%s", cfg->pinned_pubkey);
  snprintf(o->proxy, sizeof o->proxy, "%s", cfg->proxy);
  o->connect_timeout_ms = cfg->connect_timeout_ms;
  o->total_timeout_ms = cfg->total_timeout_ms;
  o->max_retries = cfg->max_retries;
}

pk_net *pk_net_new_config(pk_loop *loop, const pk_config *cfg, char **err) {
  pk_net_opts o;
  pk_config_net_opts(cfg, &o);
  return pk_net_new(loop, &o, err);
}

/* The device's JWKS sits beside its key unless [receipt] device_jwks says otherwise. */
char *pk_config_device_jwks_path(const pk_config *cfg) {
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
  *djwks = pk_config_device_jwks_path(&cfg);
  pk_config_free(&cfg);
  return 0;
}
