/* r||s <-> DER for ECDSA signatures; OpenSSL's ECDSA_SIG does the ASN.1 (DER integers are
 * minimal and signed, so a hand-written copy gets the leading zero bytes wrong). */
#include "pishkhan/ecdsa_sig.h"

#include <limits.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>

size_t pk_ecdsa_sig_to_der(const uint8_t *raw, size_t raw_len, uint8_t *der, size_t cap) {
  if (!raw || !der || raw_len == 0 || raw_len % 2 || raw_len / 2 > INT_MAX) return 0;
  int half = (int)(raw_len / 2);
  ECDSA_SIG *sig = ECDSA_SIG_new();
  BIGNUM *r = BN_bin2bn(raw, half, NULL), *s = BN_bin2bn(raw + half, half, NULL);
  size_t out = 0;
  if (sig && r && s && ECDSA_SIG_set0(sig, r, s) == 1) {
    r = s = NULL; /* owned by sig now */
    int len = i2d_ECDSA_SIG(sig, NULL);
    uint8_t *q = der;
    if (len > 0 && (size_t)len <= cap) out = (size_t)i2d_ECDSA_SIG(sig, &q);
  }
  BN_free(r);
  BN_free(s);
  ECDSA_SIG_free(sig);
  return out;
}

/* A negative integer would give one signature two spellings. */
static bool put_half(const BIGNUM *v, uint8_t *out, int n) {
  return !BN_is_negative(v) && BN_bn2binpad(v, out, n) == n;
}

bool pk_ecdsa_sig_from_der(const uint8_t *der, size_t der_len, uint8_t *raw, size_t raw_len) {
  if (!der || !raw || raw_len == 0 || raw_len % 2 || raw_len / 2 > INT_MAX || der_len > LONG_MAX)
    return false;
  int half = (int)(raw_len / 2);
  const uint8_t *p = der;
  ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
  /* Trailing bytes, likewise. */
  bool ok = sig && p == der + der_len && put_half(ECDSA_SIG_get0_r(sig), raw, half) &&
            put_half(ECDSA_SIG_get0_s(sig), raw + half, half);
  ECDSA_SIG_free(sig);
  return ok;
}
