/* Enqueues sealed offline requests as the kiosk does when the link is down, with a persona's
 * software key standing in for the card (the simulator verifies it against the card PKI):
 *   t_queue_driver DB WINDOW_JWKS CARD_KEY CARD_CERT NATIONAL_CODE KIOSK_ID COUNT [PAUSE_MS]
 * COUNT 0 = until killed; PAUSE_MS between two requests (a citizen at the counter), default 0. "ok REF KEY CREATED_AT" is printed (and flushed) only after
 * pk_outbox_insert returned 0: the moment a kiosk may print the citizen's receipt. */
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixture.h"

#define FIELDS "{\"national_code\":\"1234567891\",\"mobile\":\"09121234567\",\"birth_date\":\"1365/04/12\"}"

typedef struct {
  const char *jwks, *kiosk, *nc;
  EVP_PKEY *card;
  unsigned char *cert;
  int cert_len;
} driver;

static size_t card_sign(EVP_PKEY *key, const uint8_t digest[32], uint8_t *der, size_t cap) {
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key, NULL);
  size_t n = cap;
  if (!ctx || EVP_PKEY_sign_init(ctx) != 1 || EVP_PKEY_sign(ctx, der, &n, digest, 32) != 1) n = 0;
  EVP_PKEY_CTX_free(ctx);
  return n;
}

/* Consent, seal, durable insert: 0 when the row is in the store. */
static int enqueue(const driver *dv, pk_outbox *ob, pk_outbox_row *row) {
  if (!pk_outbox_draft(ob, row)) return -1;
  snprintf(row->service_id, sizeof row->service_id, "tamin-0001");
  snprintf(row->national_masked, sizeof row->national_masked, "%.3s****%s", dv->nc, dv->nc + 7);
  row->level = 3;
  row->sealed_offline = true;
  row->state = PK_OB_QUEUED;
  row->created_at = row->updated_at = row->next_attempt_at = (int64_t)time(NULL);
  pk_outbox_request rq = {row->service_id, FIELDS, dv->kiosk, row->idem_key, row->created_at, dv->nc, 3, NULL, NULL};
  char *tbs = pk_outbox_consent_tbs(&rq), err[256] = "";
  uint8_t digest[32], sig[80];
  size_t siglen = tbs && pk_outbox_consent_digest(tbs, digest) == 0 ? card_sign(dv->card, digest, sig, sizeof sig) : 0;
  char *jwe = siglen ? pk_outbox_seal_request(dv->jwks, tbs, dv->cert, (size_t)dv->cert_len, sig, siglen, err, sizeof err)
                     : NULL;
  free(tbs);
  int rc = jwe ? pk_outbox_insert(ob, row, jwe, err, sizeof err) : -1;
  if (rc) fprintf(stderr, "t_queue_driver: %s\n", err);
  free(jwe);
  return rc;
}

static bool load_card(driver *dv, const char *key_pem, const char *cert_pem) {
  FILE *f = fopen(key_pem, "r");
  dv->card = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
  if (f) fclose(f);
  f = fopen(cert_pem, "r");
  X509 *x = f ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;
  if (f) fclose(f);
  dv->cert = NULL;
  dv->cert_len = x ? i2d_X509(x, &dv->cert) : 0;
  X509_free(x);
  return dv->card && dv->cert_len > 0;
}

int main(int argc, char **argv) {
  if (argc != 8 && argc != 9) {
    fprintf(stderr, "usage: t_queue_driver DB WINDOW_JWKS CARD_KEY CARD_CERT NATIONAL_CODE KIOSK_ID COUNT [PAUSE_MS]\n");
    return 2;
  }
  driver dv = {.kiosk = argv[6], .nc = argv[5]};
  char *jwks = fx_read(argv[2], NULL), err[256];
  dv.jwks = jwks;
  if (!jwks || strlen(dv.nc) != 10 || !load_card(&dv, argv[3], argv[4])) {
    fprintf(stderr, "t_queue_driver: cannot read the JWKS, the card's key or certificate\n");
    return 2;
  }
  pk_outbox *ob = pk_outbox_open(argv[1], &(pk_outbox_limits){100000, 90}, err, sizeof err);
  if (!ob) {
    fprintf(stderr, "t_queue_driver: %s: %s\n", argv[1], err);
    return 3;
  }
  long count = atol(argv[7]), pause_ms = argc == 9 ? atol(argv[8]) : 0;
  struct timespec pause = {pause_ms / 1000, (pause_ms % 1000) * 1000000};
  int rc = 0;
  for (long i = 0; rc == 0 && (count == 0 || i < count); i++) {
    pk_outbox_row row = {0};
    rc = enqueue(&dv, ob, &row);
    if (rc == 0) printf("ok %s %s %lld\n", row.ref, row.idem_key, (long long)row.created_at), fflush(stdout);
    pk_outbox_row_clear(&row);
    if (pause_ms > 0) nanosleep(&pause, NULL);
  }
  pk_outbox_close(ob);
  EVP_PKEY_free(dv.card);
  OPENSSL_free(dv.cert);
  free(jwks);
  return rc ? 1 : 0;
}
