#include "harness.h"
#include "pishkhan/module_opts.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

void h_path(const harness *h, char *out, size_t n, const char *rel) { snprintf(out, n, "%s/%s", h->pki, rel); }

void h_start(harness *h, const pk_window_sim_opts *extra, bool mtls) {
  memset(h, 0, sizeof *h);
  const char *bin = getenv("PK_BINARY_DIR") ? getenv("PK_BINARY_DIR") : PK_BINARY_DIR;
  snprintf(h->pki, sizeof h->pki, "%s/pki", bin);
  static char cert[PK_CFG_STR], key[PK_CFG_STR], ca[PK_CFG_STR], cardca[PK_CFG_STR], crl[PK_CFG_STR], rkey[PK_CFG_STR],
      ekey[PK_CFG_STR];
  h_path(h, cert, sizeof cert, "tls/server.pem");
  h_path(h, key, sizeof key, "tls/server-key.pem");
  h_path(h, ca, sizeof ca, "tls/ca.pem");
  h_path(h, cardca, sizeof cardca, "card/ca.crt.pem");
  h_path(h, crl, sizeof crl, "card/crl.pem");
  h_path(h, rkey, sizeof rkey, "window/receipt-key.pem");
  h_path(h, ekey, sizeof ekey, "window/enc-key.pem");
  pk_window_sim_opts o;
  if (extra) o = *extra;
  else pk_window_sim_opts_defaults(&o);
  o.tls_cert = cert;
  o.tls_key = key;
  o.client_ca = mtls ? ca : NULL;
  o.card_issuer_ca = cardca;
  if (!extra || !extra->card_crl) o.card_crl = crl; /* a test may bring its own */
  o.receipt_key = rkey;
  o.enc_key = ekey;
  o.test_endpoints = true;
  o.quiet = true;
  char *err = NULL;
  h->sim = pk_window_sim_start(&o, &err);
  if (!h->sim) fprintf(stderr, "sim: %s\n", err ? err : "?");
  free(err);
  assert_non_null(h->sim);
  h->loop = pk_loop_new();
  pk_config_defaults(&h->cfg);
  snprintf(h->cfg.kiosk_id, sizeof h->cfg.kiosk_id, "kiosk-test-01");
  snprintf(h->cfg.url, sizeof h->cfg.url, "https://127.0.0.1:%d/api/v1", pk_window_sim_port(h->sim));
  snprintf(h->cfg.ca_bundle, sizeof h->cfg.ca_bundle, "%s", ca);
  h_path(h, h->cfg.client_cert, sizeof h->cfg.client_cert, "tls/kiosk.pem");
  h_path(h, h->cfg.client_key, sizeof h->cfg.client_key, "tls/kiosk-key.pem");
  h->cfg.connect_timeout_ms = 2000;
  h->cfg.total_timeout_ms = 5000;
  h->cfg.max_retries = 4;
  h->net = pk_net_new_config(h->loop, &h->cfg, &err);
  free(err);
  assert_non_null(h->net);
  pk_net_set_backoff_ms(h->net, 10, 80);
}

void h_stop(harness *h) {
  pk_net_free(h->net);
  pk_loop_free(h->loop);
  pk_window_sim_stop(h->sim);
  pk_config_free(&h->cfg);
}

void h_run_until(harness *h, const bool *flag, int timeout_ms) {
  uint64_t end = pk_now_ms() + (uint64_t)timeout_ms;
  while (!*flag && pk_now_ms() < end) pk_loop_run_once(h->loop, 50);
  assert_true(*flag);
}

int h_card_sign(const harness *h, const char *persona, const char *nonce, uint8_t *sig, size_t *sig_len,
                uint8_t **cert_der, size_t *cert_len) {
  char kp[600], cp[600], rel[128];
  snprintf(rel, sizeof rel, "card/%s.key.pem", persona);
  h_path(h, kp, sizeof kp, rel);
  snprintf(rel, sizeof rel, "card/%s.crt.pem", persona);
  h_path(h, cp, sizeof cp, rel);
  FILE *f = fopen(kp, "r");
  EVP_PKEY *k = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
  if (f) fclose(f);
  f = fopen(cp, "r");
  X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
  if (f) fclose(f);
  uint8_t tbs[256];
  int tl = pk_net_card_tbs(h->cfg.kiosk_id, nonce, tbs, sizeof tbs);
  int rc = -1;
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  if (k && x && tl > 0 && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k) == 1 &&
      EVP_DigestSign(md, sig, sig_len, tbs, (size_t)tl) == 1) {
    unsigned char *der = NULL;
    int dl = i2d_X509(x, &der);
    if (dl > 0) {
      *cert_der = malloc((size_t)dl);
      memcpy(*cert_der, der, (size_t)dl);
      *cert_len = (size_t)dl;
      rc = 0;
    }
    OPENSSL_free(der);
  }
  EVP_MD_CTX_free(md);
  EVP_PKEY_free(k);
  X509_free(x);
  return rc;
}

typedef struct {
  bool done;
  pk_net_otp otp;
  pk_net_session ses;
  pk_net_challenge ch;
} otp_ctx;

static void on_ch(const pk_net_challenge *r, void *ud) {
  otp_ctx *c = ud;
  c->ch = *r;
  c->done = true;
}

static void on_otp(const pk_net_otp *r, void *ud) {
  otp_ctx *c = ud;
  c->otp = *r;
  c->done = true;
}

static void on_ses(const pk_net_session *r, void *ud) {
  otp_ctx *c = ud;
  c->ses = *r;
  c->done = true;
}

int h_login_otp(harness *h, const char *nc) {
  otp_ctx c = {0};
  pk_net_otp_request(h->net, nc, "09121234567", on_otp, &c);
  h_run_until(h, &c.done, 10000);
  if (c.otp.st.err != PK_NET_OK) return -1;
  char code[8];
  if (pk_window_sim_last_otp(h->sim, c.otp.otp_id, code)) return -1;
  c.done = false;
  pk_net_otp_verify(h->net, c.otp.otp_id, code, on_ses, &c);
  h_run_until(h, &c.done, 10000);
  return c.ses.st.err == PK_NET_OK ? c.ses.level : -1;
}

pk_net_error h_login_card(harness *h, const char *persona, pk_net_session *out) {
  otp_ctx c = {0};
  pk_net_auth_challenge(h->net, on_ch, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.ch.st.err, PK_NET_OK);
  uint8_t sig[160], *cert = NULL;
  size_t sl = sizeof sig, cl = 0;
  assert_int_equal(h_card_sign(h, persona, c.ch.nonce, sig, &sl, &cert, &cl), 0);
  c.done = false;
  pk_net_card_auth(h->net, c.ch.nonce, cert, cl, sig, sl, on_ses, &c);
  h_run_until(h, &c.done, 10000);
  free(cert);
  if (out) *out = c.ses;
  return c.ses.st.err;
}

void h_renet(harness *h) {
  pk_net_free(h->net);
  char *err = NULL;
  h->net = pk_net_new_config(h->loop, &h->cfg, &err);
  free(err);
  assert_non_null(h->net);
  pk_net_set_backoff_ms(h->net, 10, 80);
}

int h_setup(void **state) {
  harness *h = calloc(1, sizeof *h);
  h_start(h, NULL, true);
  *state = h;
  return 0;
}

int h_teardown(void **state) {
  h_stop(*state);
  free(*state);
  return 0;
}
