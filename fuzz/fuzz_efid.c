/* EF.ID and a whole hostile card. Mode 0 (first byte even): the EF.ID parser on raw bytes;
 * an accepted identity re-encodes and parses back to the same fields. Mode 1: a card whose
 * every answer comes from the input drives pk_card_open + read_identity + PIN + signing
 * through the APDU layer (61xx, 6Cxx, chaining, short/extended reads, SOD/CMS checks). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../cardreader/card_internal.h"
#include "pishkhan/secret.h"

typedef struct {
  const uint8_t *p, *end;
} feed;

/* Each answer: 2-byte length then bytes (the last two are the status word). */
static int hostile_transmit(pk_transport *t, const uint8_t *apdu, size_t n, uint8_t *resp, size_t *rl) {
  (void)apdu, (void)n;
  feed *f = pk_transport_impl(t);
  if (f->end - f->p < 2) return PK_TR_REMOVED;
  size_t len = (size_t)f->p[0] << 8 | f->p[1];
  f->p += 2;
  if (len > (size_t)(f->end - f->p)) len = (size_t)(f->end - f->p);
  if (len > *rl) return PK_TR_OVERFLOW;
  memcpy(resp, f->p, len);
  f->p += len;
  *rl = len;
  return PK_TR_OK;
}

static const pk_transport_ops hostile_ops = {.transmit = hostile_transmit};

static void card_session(const uint8_t *data, size_t size) {
  feed f = {data, data + size};
  pk_transport *t = pk_transport_new(&hostile_ops, &f);
  pk_transport_set_extended(t, size & 1);
  pk_card_trust trust = {.issuer_ca = PK_BINARY_DIR "/pki/card/ca.crt.pem", .crl = PK_BINARY_DIR "/pki/card/crl.pem"};
  pk_card_status st;
  pk_card *c = pk_card_open(t, &trust, &st);
  if (c) {
    pk_identity id;
    (void)pk_card_read_identity(c, &id);
    int tries;
    (void)pk_card_pin_tries(c, &tries);
    pk_secret *pin = pk_secret_new(8);
    for (int i = 0; i < 4; i++) pk_secret_push(pin, '1');
    (void)pk_card_verify_pin(c, pin, &tries);
    pk_secret_free(pin);
    uint8_t nonce[16] = {0}, sig[80];
    size_t sl = sizeof sig;
    (void)pk_card_sign_challenge(c, nonce, sizeof nonce, "K", sig, &sl);
    pk_card_close(c);
  }
  pk_transport_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  if (data[0] & 1) {
    card_session(data + 1, size - 1);
    return 0;
  }
  pk_identity id, back;
  if (pk_efid_parse(data + 1, size - 1, &id) != PK_CARD_OK) return 0;
  if (!pk_national_code_digits_valid(id.national_code)) abort();
  uint8_t buf[PK_EFID_MAX];
  size_t n = pk_efid_encode(&id, buf, sizeof buf);
  if (!n || pk_efid_parse(buf, n, &back) != PK_CARD_OK || memcmp(&id, &back, sizeof id) != 0) abort();
  return 0;
}
