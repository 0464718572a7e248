/* ECDSA signatures in their two spellings: r||s (JOSE ES256, and what cards return), each
 * half big-endian and zero-padded to the curve's size; and DER ECDSA-Sig-Value, the only
 * form OpenSSL signs and verifies. */
#ifndef PISHKHAN_ECDSA_SIG_H
#define PISHKHAN_ECDSA_SIG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for the DER of any curve up to P-521 (two 67-byte INTEGERs and headers). */
enum { PK_ECDSA_SIG_DER_MAX = 141 };

/* raw_len bytes of r||s (64 for P-256) -> DER in der (cap bytes). Returns its length, or 0
 * when raw_len is zero or odd, or the DER does not fit. */
size_t pk_ecdsa_sig_to_der(const uint8_t *raw, size_t raw_len, uint8_t *der, size_t cap);
/* DER -> r||s in raw_len bytes, each half zero-padded. False unless der_len bytes are exactly
 * one well-formed signature whose r and s fit in raw_len / 2 bytes. */
bool pk_ecdsa_sig_from_der(const uint8_t *der, size_t der_len, uint8_t *raw, size_t raw_len);

#endif
