/* base64url without padding. Hand-written (30 lines) rather than OpenSSL's
 * EVP_EncodeBlock/DecodeBlock: those know only the padded standard alphabet, ignore
 * whitespace and do not report the real decoded length, and a signed token must have
 * exactly one accepted spelling. */
#include <stdlib.h>
#include <string.h>

#include <stdint.h>

#include "pishkhan/b64url.h"

static const char ALPHA[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

size_t pk_b64url_encoded_len(size_t len) { return len / 3 * 4 + (len % 3 ? len % 3 + 1 : 0); }

char *pk_b64url_encode(const unsigned char *in, size_t len) {
  char *out = malloc(pk_b64url_encoded_len(len) + 1), *p = out;
  if (!out) return NULL;
  size_t i = 0;
  for (; i + 2 < len; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
    *p++ = ALPHA[v >> 18 & 63], *p++ = ALPHA[v >> 12 & 63], *p++ = ALPHA[v >> 6 & 63], *p++ = ALPHA[v & 63];
  }
  if (len - i == 1) {
    uint32_t v = (uint32_t)in[i] << 16;
    *p++ = ALPHA[v >> 18 & 63], *p++ = ALPHA[v >> 12 & 63];
  } else if (len - i == 2) {
    uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
    *p++ = ALPHA[v >> 18 & 63], *p++ = ALPHA[v >> 12 & 63], *p++ = ALPHA[v >> 6 & 63];
  }
  *p = '\0';
  return out;
}

static int val(unsigned char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

int pk_b64url_decode(const char *in, size_t inlen, unsigned char **out, size_t *outlen) {
  if (inlen % 4 == 1) return -1;
  unsigned char *buf = malloc(inlen / 4 * 3 + 3), *p = buf;
  if (!buf) return -1;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < inlen; i++) {
    int v = val((unsigned char)in[i]);
    if (v < 0) goto bad;
    acc = (acc << 6 | (uint32_t)v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      *p++ = (unsigned char)(acc >> bits);
    }
  }
  if (bits && (acc & ((1u << bits) - 1))) goto bad; /* non-canonical trailing bits */
  *out = buf;
  *outlen = (size_t)(p - buf);
  return 0;
bad:
  free(buf);
  return -1;
}
