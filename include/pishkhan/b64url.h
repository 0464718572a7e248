/* base64url without padding (RFC 4648 §5, as JOSE uses it). Strict: one spelling per
 * value (no padding, no other alphabet, no stray trailing bits), so a signed token and a
 * nonce have exactly one accepted form. */
#ifndef PISHKHAN_B64URL_H
#define PISHKHAN_B64URL_H
#include <stddef.h>

size_t pk_b64url_encoded_len(size_t len);
char *pk_b64url_encode(const unsigned char *in, size_t len); /* malloc'd, NULL on no memory */
/* 0 with *out malloc'd, or -1. */
int pk_b64url_decode(const char *in, size_t inlen, unsigned char **out, size_t *outlen);

#endif
