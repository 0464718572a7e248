/* The embedded demo. Everything runs in this process: no daemons, no root, no network
 * beyond loopback. The simulator and the card emulator are the same code that the
 * standalone pishkhan-window-sim and pishkhan-vcard programs run. */
#include "pishkhan/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pishkhan/log.h"
#include "pishkhan/vcard.h"
#include "pishkhan/windowsim.h"

struct pk_demo {
  pk_loop *loop;
  pk_window_sim *sim;
  pk_vcard **cards;   /* one per persona, kept until stop: a worker may still hold one */
  pk_vcard *card;
  pk_vcard *clerk;    /* counter mode: the clerk's card in the clerk's reader, or NULL */
  bool clerk_in;
  char pki_root[256];
  size_t persona;
  bool card_in;
  char data_dir[64];
};

#define NPERSONAS pk_vcard_persona_count()

static int set_path(char *dst, size_t n, const char *root, const char *rel) {
  size_t a = strlen(root), b = strlen(rel);
  if (a + 1 + b >= n) return -1;
  memcpy(dst, root, a);
  dst[a] = '/';
  memcpy(dst + a + 1, rel, b + 1);
  return 0;
}

static int start_sim(pk_demo *d, pk_config *cfg, char **err) {
  char cert[512], key[512], ca[512], rkey[512], ekey[512], card_ca[512], crl[512];
  set_path(cert, sizeof cert, d->pki_root, "tls/server.pem");
  set_path(key, sizeof key, d->pki_root, "tls/server-key.pem");
  set_path(ca, sizeof ca, d->pki_root, "tls/ca.pem");
  set_path(rkey, sizeof rkey, d->pki_root, "window/receipt-key.pem");
  set_path(ekey, sizeof ekey, d->pki_root, "window/enc-key.pem");
  set_path(card_ca, sizeof card_ca, d->pki_root, "card/ca.crt.pem");
  set_path(crl, sizeof crl, d->pki_root, "card/crl.pem");
  pk_window_sim_opts o;
  pk_window_sim_opts_defaults(&o);
  o.bind = "127.0.0.1";
  o.port = 0;
  o.db_path = ":memory:";
  o.tls_cert = cert;
  o.tls_key = key;
  o.client_ca = ca;
  o.card_issuer_ca = card_ca;
  o.card_crl = crl;
  o.receipt_key = rkey;
  o.enc_key = ekey; /* the key window-jwks.json publishes: the kiosk seals its requests to it */
  o.quiet = true;
  /* [demo] latency_ms: a slow window, to show the spinner, Cancel, and removal mid-call. */
  const char *lat = pk_config_get(cfg, "demo", "latency_ms");
  if (lat) o.faults.latency_ms = atoi(lat);
  d->sim = pk_window_sim_start(&o, err);
  if (!d->sim) return -1;
  snprintf(cfg->url, sizeof cfg->url, "https://127.0.0.1:%d/api/v1", pk_window_sim_port(d->sim));
  set_path(cfg->ca_bundle, sizeof cfg->ca_bundle, d->pki_root, "tls/ca.pem");
  set_path(cfg->client_cert, sizeof cfg->client_cert, d->pki_root, "tls/kiosk.pem");
  set_path(cfg->client_key, sizeof cfg->client_key, d->pki_root, "tls/kiosk-key.pem");
  set_path(cfg->issuer_ca, sizeof cfg->issuer_ca, d->pki_root, "card/ca.crt.pem");
  set_path(cfg->crl, sizeof cfg->crl, d->pki_root, "card/crl.pem");
  set_path(cfg->jwks, sizeof cfg->jwks, d->pki_root, "window/window-jwks.json");
  set_path(cfg->device_key, sizeof cfg->device_key, d->pki_root, "device/key.pem");
  return 0;
}

static int load_card(pk_demo *d, char **err) {
  if (!d->cards[d->persona]) {
    char dir[300];
    set_path(dir, sizeof dir, d->pki_root, "card");
    d->cards[d->persona] = pk_vcard_new(pk_vcard_persona_name(d->persona), dir, err);
    if (!d->cards[d->persona]) return -1;
  }
  d->card = d->cards[d->persona];
  pk_vcard_set_present(d->card, false);
  return 0;
}

/* A two-reader counter: the clerk's card in its own reader, the citizens' personas in the other. */
static int start_counter(pk_demo *d, pk_config *cfg, char **err) {
  char dir[300];
  set_path(dir, sizeof dir, d->pki_root, "card");
  d->clerk = pk_vcard_new("clerk", dir, err);
  if (!d->clerk) return -1;
  pk_vcard_set_present(d->clerk, false);
  if (!cfg->clerk_reader[0]) snprintf(cfg->clerk_reader, sizeof cfg->clerk_reader, "%s", PK_DEMO_CLERK_READER);
  if (!cfg->citizen_reader[0]) snprintf(cfg->citizen_reader, sizeof cfg->citizen_reader, "%s", PK_DEMO_READER);
  /* The citizen's keypad: a FIFO anyone at the demo (or a test) writes digits into. */
  if (!cfg->citizen_keypad[0]) {
    snprintf(cfg->citizen_keypad, sizeof cfg->citizen_keypad, "%s/keypad", d->data_dir);
    if (mkfifo(cfg->citizen_keypad, 0600) != 0) {
      if (err) *err = strdup("the demo's citizen keypad (a FIFO) cannot be made");
      return -1;
    }
    pk_info("demo: the citizen keypad is %s (write digits and a newline into it)", cfg->citizen_keypad);
  }
  return 0;
}

pk_demo *pk_demo_start(pk_loop *loop, pk_config *cfg, const char *pki_root, char **err) {
  pk_demo *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  d->loop = loop;
  d->cards = calloc(NPERSONAS, sizeof *d->cards);
  /* The demo's own PKI: made by the build, or installed with the simulator package. */
  if (!pki_root) pki_root = getenv("PK_DEMO_PKI") ? getenv("PK_DEMO_PKI") : PK_TEST_PKI_DIR;
  snprintf(d->pki_root, sizeof d->pki_root, "%s", pki_root);
  snprintf(d->data_dir, sizeof d->data_dir, "/tmp/pishkhan-demo-XXXXXX");
  if (!d->cards || !mkdtemp(d->data_dir) || start_sim(d, cfg, err) != 0 || load_card(d, err) != 0) {
    pk_demo_stop(d);
    return NULL;
  }
  snprintf(cfg->data_dir, sizeof cfg->data_dir, "%s", d->data_dir);
  if (cfg->face == PK_FACE_COUNTER && start_counter(d, cfg, err) != 0) {
    pk_demo_stop(d);
    return NULL;
  }
  /* With no printer configured, the demo "prints" PNG receipts that any phone can scan. */
  if (!strcmp(cfg->printer, "none")) {
    snprintf(cfg->printer, sizeof cfg->printer, "png");
    snprintf(cfg->printer_dest, sizeof cfg->printer_dest, "%s", PK_DEMO_RECEIPTS);
    mkdir(PK_DEMO_RECEIPTS, 0755);
  }
  if (!cfg->office[0]) snprintf(cfg->office, sizeof cfg->office, "دفتر پیشخوان دولت (نمایشی)");
  /* The kiosk id is bound to the client certificate (mTLS): the test PKI names it. */
  snprintf(cfg->kiosk_id, sizeof cfg->kiosk_id, "kiosk-test-01");
  pk_info("demo: window simulator on port %d", pk_window_sim_port(d->sim));
  return d;
}

static void remove_tree(const char *dir) {
  char path[128];
  static const char *files[] = {"catalog.db", "catalog.db-wal", "catalog.db-shm", "receipts.db", "keypad"};
  for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
    snprintf(path, sizeof path, "%s/%s", dir, files[i]);
    unlink(path);
  }
  rmdir(dir);
}

void pk_demo_stop(pk_demo *d) {
  if (!d) return;
  if (d->sim) pk_window_sim_stop(d->sim);
  for (size_t i = 0; d->cards && i < NPERSONAS; i++) pk_vcard_free(d->cards[i]);
  pk_vcard_free(d->clerk);
  free(d->cards);
  if (d->data_dir[0] && strcmp(d->data_dir + strlen(d->data_dir) - 6, "XXXXXX")) remove_tree(d->data_dir);
  free(d);
}

static void post_card(pk_demo *d, pk_event_type type, const char *reader, pk_vcard *card) {
  pk_event ev = {.type = type};
  snprintf(ev.reader, sizeof ev.reader, "%s", reader);
  size_t n = 0;
  const uint8_t *atr = pk_vcard_atr(card, &n);
  if (atr && n <= sizeof ev.atr) {
    memcpy(ev.atr, atr, n);
    ev.atr_len = n;
  }
  pk_loop_post(d->loop, &ev);
}

static void post(pk_demo *d, pk_event_type type) { post_card(d, type, PK_DEMO_READER, d->card); }

void pk_demo_toggle_clerk_card(pk_demo *d) {
  if (!d->clerk) return;
  d->clerk_in = !d->clerk_in;
  pk_vcard_set_present(d->clerk, d->clerk_in);
  post_card(d, d->clerk_in ? PK_EV_CARD_INSERTED : PK_EV_CARD_REMOVED, PK_DEMO_CLERK_READER, d->clerk);
}

struct pk_window_sim *pk_demo_window(pk_demo *d) { return d->sim; }

void pk_demo_toggle_window(pk_demo *d) {
  bool up = !pk_window_sim_reachable(d->sim);
  pk_window_sim_set_reachable(d->sim, up);
  pk_info("demo: the window is %s", up ? "reachable" : "unreachable (its port refuses connections)");
}

void pk_demo_toggle_card(pk_demo *d) {
  d->card_in = !d->card_in;
  pk_vcard_set_present(d->card, d->card_in);
  post(d, d->card_in ? PK_EV_CARD_INSERTED : PK_EV_CARD_REMOVED);
}

void pk_demo_next_persona(pk_demo *d) {
  if (d->card_in) pk_demo_toggle_card(d);
  d->persona = (d->persona + 1) % NPERSONAS;
  char *err = NULL;
  if (load_card(d, &err) != 0) {
    pk_err("demo: cannot load persona %s: %s", pk_vcard_persona_name(d->persona), err ? err : "?");
    free(err);
  }
}

const char *pk_demo_persona(const pk_demo *d) { return pk_vcard_persona_name(d->persona); }
bool pk_demo_card_in(const pk_demo *d) { return d->card_in; }

pk_transport *pk_demo_open_transport(void *demo, const char *reader, pk_card_status *st) {
  pk_demo *d = demo;
  bool clerk = d->clerk && reader && !strcmp(reader, PK_DEMO_CLERK_READER);
  if (!(clerk ? d->clerk_in : d->card_in)) {
    *st = PK_CARD_REMOVED;
    return NULL;
  }
  pk_transport *t = pk_transport_inproc_new(clerk ? d->clerk : d->card);
  if (!t) *st = PK_CARD_COMM;
  return t;
}
