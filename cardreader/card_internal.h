/* Internals shared by cardreader/, sim/vcard/, tests and fuzz targets (not public API). */
#ifndef PK_CARD_INTERNAL_H
#define PK_CARD_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pishkhan/card.h"

/* ---- BER-TLV (ISO/IEC 8825-1 subset used by 7816-4): tags of 1..3 bytes, definite
 * lengths of 1..4 bytes (up to 0xFFFFFF). Every read is bounds-checked. */
typedef struct pk_tlv {
  uint32_t tag;
  bool constructed;
  const uint8_t *val;
  size_t len;
} pk_tlv;

/* Parses the TLV at *p (p < end) and advances *p past it. Returns 0, or -1 when malformed
 * or when it does not fit in [*p, end). */
int pk_tlv_next(const uint8_t **p, const uint8_t *end, pk_tlv *out);
/* Exactly one TLV filling buf[0..n). */
int pk_tlv_parse_one(const uint8_t *buf, size_t n, pk_tlv *out);
/* First TLV with tag in a sequence; -1 if absent or the sequence is malformed. */
int pk_tlv_find(const uint8_t *buf, size_t n, uint32_t tag, pk_tlv *out);
/* Encodes tag + length + value at out (cap bytes). Returns the bytes written, or 0 if
 * it does not fit. value may be NULL to write the header only (returns header length). */
size_t pk_tlv_put(uint8_t *out, size_t cap, uint32_t tag, const uint8_t *value, size_t len);
size_t pk_tlv_header_len(uint32_t tag, size_t len);

/* ---- The reference profile constants (docs/card-profile.md) */
#define PK_PROFILE_AID "\xF0\x50\x4B\x4E\x49\x44\x01"
#define PK_PROFILE_AID_LEN 7
enum { PK_FID_ID = 0x0101, PK_FID_SOD = 0x0102, PK_FID_CERT = 0x0103 };
enum { PK_SFI_ID = 1, PK_SFI_SOD = 2, PK_SFI_CERT = 3 };
enum { PK_PIN_REF = 0x81, PK_PIN_MIN = PK_CARD_PIN_MIN, PK_PIN_MAX = PK_CARD_PIN_MAX, PK_PIN_TRIES = 3 };
#define PK_EFID_MAX 4096
#define PK_SOD_MAX 8192
#define PK_CERT_MAX 4096

/* Historical bytes after the category indicator must contain this issuer data. */
#define PK_PROFILE_ISSUER_DATA "\x55\x50\x4B\x4E\x49\x44"
bool pk_atr_is_profile(const uint8_t *atr, size_t n, bool *extended);

/* ---- EF.ID */
/* Returns PK_CARD_OK or PK_CARD_BAD_DATA. out is wiped on failure. */
pk_card_status pk_efid_parse(const uint8_t *buf, size_t n, pk_identity *out);
/* Encodes an identity (dates given as "YYYY/MM/DD"). Returns the length, or 0. */
size_t pk_efid_encode(const pk_identity *id, uint8_t *out, size_t cap);

/* ---- Jalali (ICU persian calendar) */
/* Today's Jalali date as YYYYMMDD (integer), for t seconds since the epoch (0 = now). */
int pk_jalali_today(long long t);
#include "pishkhan/i18n.h" /* pk_jalali_valid */

/* ---- EF.SOD */
/* Content of the security object: hashes of EF.ID and EF.CERT. */
size_t pk_sod_content_encode(const uint8_t *efid, size_t efid_len, const uint8_t *cert, size_t cert_len,
                             uint8_t *out, size_t cap);
/* Verifies the SOD (CMS SignedData) against the trust and the bytes read. Returns
 * PK_CARD_OK, TAMPERED, UNTRUSTED, BAD_DATA, TRUST_CONFIG. */
pk_card_status pk_sod_verify(const uint8_t *sod, size_t sod_len, const uint8_t *efid, size_t efid_len,
                             const uint8_t *cert, size_t cert_len, const pk_card_trust *trust);
/* Verifies the citizen certificate: chain, CRL, purpose, expiry, national code binding. */
pk_card_status pk_cert_verify(const uint8_t *der, size_t len, const char *national_code,
                              const pk_card_trust *trust);

const pk_transport_ops *pk_transport_ops_of(const pk_transport *t);

/* ---- PC/SC part 10 pinpad (pinpad.c) */
/* The control code of FEATURE_VERIFY_PIN_DIRECT, or 0 when the reader has no pinpad. */
unsigned long pk_pinpad_verify_code(pk_transport *t);
/* VERIFY through the pinpad with the profile's PIN format; *sw is the card's (or the
 * reader's: 6400 timeout, 6401 cancelled) status word. Returns PK_TR_*. */
int pk_pinpad_verify(pk_transport *t, unsigned long code, uint16_t *sw);

#endif
