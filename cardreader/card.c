/* A card session on the reference profile: select, read and verify the identity once,
 * PIN, challenge signature. Every file read and every buffer is wiped on close. */
#include "card_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pishkhan/ecdsa_sig.h"
#include "pishkhan/log.h"
#include "pishkhan/secret.h"

typedef struct {
  uint8_t *buf;
  size_t len;
} file_buf;

struct pk_card {
  pk_transport *t;
  char *issuer_ca, *crl;
  long long now;
  bool read_done;
  pk_card_status read_status;
  file_buf id, sod, cert;
  pk_identity ident;
  bool pinpad_probed;
  unsigned long pinpad_code;
};

static pk_card_status from_tr(int rc) {
  switch (rc) {
  case PK_TR_OK: return PK_CARD_OK;
  case PK_TR_REMOVED:
  case PK_TR_RESET: return PK_CARD_REMOVED; /* a reset loses the PIN state: a new session */
  case PK_TR_NO_SERVICE: return PK_CARD_NO_READER;
  case PK_TR_ARG: return PK_CARD_ARG;
  default: return PK_CARD_COMM;
  }
}

static pk_card_status select_app(pk_transport *t) {
  pk_apdu c = {.ins = 0xA4, .p1 = 0x04, .p2 = 0x0C, .data = (const uint8_t *)PK_PROFILE_AID,
               .lc = PK_PROFILE_AID_LEN};
  uint16_t sw;
  int rc = pk_apdu_exchange(t, &c, NULL, 0, NULL, &sw);
  if (rc != PK_TR_OK) return from_tr(rc);
  if (sw == 0x9000) return PK_CARD_OK;
  return (sw == 0x6A82 || sw == 0x6A86 || sw == 0x6D00 || sw == 0x6E00) ? PK_CARD_UNKNOWN : PK_CARD_COMM;
}

pk_card *pk_card_open(pk_transport *t, const pk_card_trust *trust, pk_card_status *st) {
  pk_card_status dummy;
  if (!st) st = &dummy;
  if (!t || !trust) {
    *st = PK_CARD_ARG;
    return NULL;
  }
  size_t atr_len = 0;
  const uint8_t *atr = pk_transport_atr(t, &atr_len);
  bool ext = false;
  if (atr && !pk_atr_is_profile(atr, atr_len, &ext)) {
    *st = PK_CARD_UNKNOWN;
    return NULL;
  }
  pk_transport_set_extended(t, ext);
  if ((*st = select_app(t)) != PK_CARD_OK) return NULL;
  pk_card *c = calloc(1, sizeof *c);
  if (!c) {
    *st = PK_CARD_COMM;
    return NULL;
  }
  c->t = t;
  c->issuer_ca = strdup(trust->issuer_ca ? trust->issuer_ca : "");
  c->crl = strdup(trust->crl ? trust->crl : "");
  c->now = trust->now;
  if (!c->issuer_ca || !c->crl) {
    pk_card_close(c);
    *st = PK_CARD_COMM;
    return NULL;
  }
  return c;
}

/* One READ BINARY by SFI for the whole file when extended length is there; otherwise
 * consecutive short reads (offset in P1-P2) until 6282 or a short answer. */
static pk_card_status read_file(pk_card *c, uint8_t sfi, size_t max, file_buf *out) {
  uint8_t *buf = malloc(max);
  if (!buf) return PK_CARD_COMM;
  size_t len = 0;
  bool ext = pk_transport_extended(c->t);
  pk_card_status st = PK_CARD_OK;
  for (;;) {
    size_t want = ext ? 65536 : 256, got = 0;
    pk_apdu cmd = {.ins = 0xB0, .le = want};
    if (len == 0) {
      cmd.p1 = (uint8_t)(0x80 | sfi);
    } else {
      cmd.p1 = (uint8_t)(len >> 8);
      cmd.p2 = (uint8_t)len;
    }
    uint16_t sw;
    if (len > 0x7FFF) { st = PK_CARD_BAD_DATA; break; }
    int rc = pk_apdu_exchange(c->t, &cmd, buf + len, max - len, &got, &sw);
    if (rc == PK_TR_OVERFLOW) { st = PK_CARD_BAD_DATA; break; } /* a file larger than the profile allows */
    if (rc != PK_TR_OK) { st = from_tr(rc); break; }
    if (sw == 0x6B00 && len > 0) break; /* exactly at the end after a full chunk */
    if (sw != 0x9000 && sw != 0x6282) { st = sw == 0x6A82 ? PK_CARD_UNKNOWN : PK_CARD_COMM; break; }
    len += got;
    if (sw == 0x6282 || got < want || got == 0) break;
  }
  if (st != PK_CARD_OK || len == 0) {
    pk_wipe(buf, max);
    free(buf);
    return st != PK_CARD_OK ? st : PK_CARD_BAD_DATA;
  }
  out->buf = buf;
  out->len = len;
  return PK_CARD_OK;
}

static pk_card_status read_all(pk_card *c) {
  pk_card_status st;
  int rc = pk_transport_begin(c->t);
  if (rc != PK_TR_OK) return from_tr(rc);
  st = read_file(c, PK_SFI_ID, PK_EFID_MAX, &c->id);
  if (st == PK_CARD_OK) st = read_file(c, PK_SFI_SOD, PK_SOD_MAX, &c->sod);
  if (st == PK_CARD_OK) st = read_file(c, PK_SFI_CERT, PK_CERT_MAX, &c->cert);
  pk_transport_end(c->t);
  return st;
}

static pk_card_status check_all(pk_card *c) {
  pk_card_trust tr = {.issuer_ca = c->issuer_ca, .crl = c->crl, .now = c->now};
  pk_card_status st = pk_sod_verify(c->sod.buf, c->sod.len, c->id.buf, c->id.len, c->cert.buf, c->cert.len, &tr);
  if (st != PK_CARD_OK) return st;
  if ((st = pk_efid_parse(c->id.buf, c->id.len, &c->ident)) != PK_CARD_OK) return st;
  if ((st = pk_cert_verify(c->cert.buf, c->cert.len, c->ident.national_code, &tr)) != PK_CARD_OK) return st;
  /* A clerk is a clerk by the identity file and the certificate both: either alone is a citizen. */
  if (c->ident.role == PK_ROLE_CLERK && !pk_card_cert_has_policy(c->cert.buf, c->cert.len, PK_CLERK_POLICY_OID)) {
    pk_info("card: role clerk in the identity file but not in the certificate's policies: read as a citizen");
    c->ident.role = PK_ROLE_CITIZEN;
  }
  int today = pk_jalali_today(c->now);
  int y, m, d;
  if (today == 0 || sscanf(c->ident.expires, "%d/%d/%d", &y, &m, &d) != 3) return PK_CARD_COMM;
  if (today > y * 10000 + m * 100 + d) return PK_CARD_EXPIRED;
  return PK_CARD_OK;
}

pk_card_status pk_card_read_identity(pk_card *c, pk_identity *out) {
  if (!c) return PK_CARD_ARG;
  if (!c->read_done) {
    pk_card_status st = read_all(c);
    /* Transport failures may be retried by a new session; verdicts on the data are final. */
    if (st == PK_CARD_REMOVED || st == PK_CARD_NO_READER) return st;
    if (st == PK_CARD_OK) st = check_all(c);
    c->read_done = true;
    c->read_status = st;
    if (st != PK_CARD_OK) {
      char masked[16];
      pk_mask_national_code(c->ident.national_code, masked, sizeof masked);
      pk_info("card: identity refused (%s) for %s", pk_card_status_name(st), masked);
      pk_identity_wipe(&c->ident);
    }
  }
  if (c->read_status == PK_CARD_OK && out) *out = c->ident;
  return c->read_status;
}

static pk_card_status pin_sw(uint16_t sw, int *tries_left) {
  if (sw == 0x9000) return PK_CARD_OK;
  if ((sw & 0xFFF0) == 0x63C0) {
    if (tries_left) *tries_left = sw & 0x0F;
    return (sw & 0x0F) ? PK_CARD_PIN_WRONG : PK_CARD_PIN_BLOCKED;
  }
  if (sw == 0x6983) {
    if (tries_left) *tries_left = 0;
    return PK_CARD_PIN_BLOCKED;
  }
  return PK_CARD_COMM;
}

pk_card_status pk_card_pin_tries(pk_card *c, int *tries_left) {
  if (!c) return PK_CARD_ARG;
  pk_apdu cmd = {.ins = 0x20, .p2 = PK_PIN_REF};
  uint16_t sw;
  int rc = pk_apdu_exchange(c->t, &cmd, NULL, 0, NULL, &sw);
  if (rc != PK_TR_OK) return from_tr(rc);
  int tries = -1;
  pk_card_status st = pin_sw(sw, &tries);
  if (tries_left) *tries_left = st == PK_CARD_OK ? -1 : tries;
  return st == PK_CARD_PIN_WRONG ? PK_CARD_OK : st;
}

pk_card_status pk_card_verify_pin(pk_card *c, pk_secret *pin, int *tries_left) {
  if (!c || !pin) return PK_CARD_ARG;
  size_t n = pk_secret_len(pin);
  const uint8_t *d = pk_secret_data(pin);
  if (n < PK_PIN_MIN || n > PK_PIN_MAX) return PK_CARD_PIN_FORMAT;
  for (size_t i = 0; i < n; i++)
    if (d[i] < '0' || d[i] > '9') return PK_CARD_PIN_FORMAT;
  uint8_t block[PK_PIN_MAX];
  memset(block, 0xFF, sizeof block);
  memcpy(block, d, n);
  pk_apdu cmd = {.ins = 0x20, .p2 = PK_PIN_REF, .data = block, .lc = sizeof block};
  uint16_t sw;
  int rc = pk_apdu_exchange(c->t, &cmd, NULL, 0, NULL, &sw);
  pk_wipe(block, sizeof block);
  if (rc != PK_TR_OK) return from_tr(rc);
  return pin_sw(sw, tries_left);
}

bool pk_card_has_pinpad(pk_card *c) {
  if (!c) return false;
  if (!c->pinpad_probed) {
    c->pinpad_code = pk_pinpad_verify_code(c->t);
    c->pinpad_probed = true;
  }
  return c->pinpad_code != 0;
}

pk_card_status pk_card_verify_pin_pinpad(pk_card *c, int *tries_left) {
  if (!pk_card_has_pinpad(c)) return PK_CARD_NOT_SUPPORTED;
  uint16_t sw;
  int rc = pk_pinpad_verify(c->t, c->pinpad_code, &sw);
  if (rc != PK_TR_OK) return from_tr(rc);
  if (sw == 0x6400) return PK_CARD_PIN_TIMEOUT;
  if (sw == 0x6401) return PK_CARD_PIN_CANCELLED;
  if (sw == 0x6402 || sw == 0x6403) return PK_CARD_PIN_FORMAT;
  return pin_sw(sw, tries_left);
}

size_t pk_card_challenge_tbs(const uint8_t *nonce, size_t n, const char *kiosk_id, uint8_t *out,
                             size_t outsz) {
  if (!nonce || n < 16 || n > 64 || !kiosk_id) return 0;
  size_t k = strlen(kiosk_id);
  if (k < 1 || k > 64) return 0;
  size_t a = pk_tlv_put(out, outsz, 0x80, nonce, n);
  size_t b = a ? pk_tlv_put(out + a, outsz - a, 0x81, (const uint8_t *)kiosk_id, k) : 0;
  return b ? a + b : 0;
}

/* Both signatures the card makes are ECDSA over a SHA-256 digest: one check for both. */
static bool sig_matches_digest(const uint8_t *cert, size_t cert_len, const uint8_t digest[32], const uint8_t *sig,
                               size_t sig_len) {
  const uint8_t *p = cert;
  X509 *x = d2i_X509(NULL, &p, (long)cert_len);
  EVP_PKEY_CTX *ctx = x ? EVP_PKEY_CTX_new(X509_get0_pubkey(x), NULL) : NULL;
  bool ok = ctx && EVP_PKEY_verify_init(ctx) == 1 && EVP_PKEY_verify(ctx, sig, sig_len, digest, 32) == 1;
  EVP_PKEY_CTX_free(ctx);
  X509_free(x);
  return ok;
}

/* Sends a signing command, turns the card's r||s into DER and checks it against EF.CERT
 * before anyone sees it: a card that signs with another key is caught here. */
static pk_card_status card_sign(pk_card *c, pk_apdu *cmd, const uint8_t digest[32], uint8_t *sig, size_t *siglen) {
  uint8_t raw[80];
  size_t rl = 0;
  uint16_t sw;
  int rc = pk_apdu_exchange(c->t, cmd, raw, sizeof raw, &rl, &sw);
  if (rc != PK_TR_OK) return from_tr(rc);
  if (sw == 0x6982) return PK_CARD_PIN_REQUIRED;
  if (sw == 0x6983) return PK_CARD_PIN_BLOCKED;
  if (sw != 0x9000) return PK_CARD_COMM;
  size_t dl = pk_ecdsa_sig_to_der(raw, rl, sig, *siglen);
  if (!dl) return PK_CARD_BAD_SIGNATURE;
  if (!sig_matches_digest(c->cert.buf, c->cert.len, digest, sig, dl)) return PK_CARD_BAD_SIGNATURE;
  *siglen = dl;
  return PK_CARD_OK;
}

pk_card_status pk_card_sign_challenge(pk_card *c, const uint8_t *nonce, size_t n, const char *kiosk_id,
                                      uint8_t *sig, size_t *siglen) {
  if (!c || !sig || !siglen || *siglen < 72) return PK_CARD_ARG;
  /* Never sign for a card whose identity was not verified in this session. */
  pk_card_status st = pk_card_read_identity(c, NULL);
  if (st != PK_CARD_OK) return st;
  uint8_t tbs[2 * (2 + 64)], digest[32];
  size_t tl = pk_card_challenge_tbs(nonce, n, kiosk_id, tbs, sizeof tbs);
  if (!tl || !EVP_Digest(tbs, tl, digest, NULL, EVP_sha256(), NULL)) return PK_CARD_ARG;
  pk_apdu cmd = {.ins = 0x88, .data = tbs, .lc = tl, .le = 256};
  return card_sign(c, &cmd, digest, sig, siglen);
}

pk_card_status pk_card_sign_digest(pk_card *c, const uint8_t digest[32], uint8_t *sig, size_t *siglen) {
  if (!c || !digest || !sig || !siglen || *siglen < 72) return PK_CARD_ARG;
  pk_card_status st = pk_card_read_identity(c, NULL);
  if (st != PK_CARD_OK) return st;
  pk_apdu cmd = {.ins = 0x2A, .p1 = 0x9E, .p2 = 0x9A, .data = digest, .lc = 32, .le = 256};
  return card_sign(c, &cmd, digest, sig, siglen);
}

pk_card_status pk_card_certificate(pk_card *c, const uint8_t **der, size_t *len) {
  if (!c || !der || !len) return PK_CARD_ARG;
  pk_card_status st = pk_card_read_identity(c, NULL);
  if (st != PK_CARD_OK) return st;
  *der = c->cert.buf;
  *len = c->cert.len;
  return PK_CARD_OK;
}

static void file_wipe(file_buf *f) {
  if (f->buf) pk_wipe(f->buf, f->len);
  free(f->buf);
  f->buf = NULL;
  f->len = 0;
}

void pk_card_close(pk_card *c) {
  if (!c) return;
  file_wipe(&c->id);
  file_wipe(&c->sod);
  file_wipe(&c->cert);
  pk_identity_wipe(&c->ident);
  free(c->issuer_ca);
  free(c->crl);
  pk_wipe(c, sizeof *c);
  free(c);
}
