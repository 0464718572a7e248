/* Status names for logs (what a citizen reads is the application's) and ATR matching. */
#include "card_internal.h"

#include <string.h>

static const char *const statuses[PK_CARD_STATUS_COUNT] = {
  [PK_CARD_OK] = "ok",
  [PK_CARD_REMOVED] = "removed",
  [PK_CARD_NO_READER] = "no-reader",
  [PK_CARD_UNKNOWN] = "unknown",
  [PK_CARD_COMM] = "comm",
  [PK_CARD_BAD_DATA] = "bad-data",
  [PK_CARD_TAMPERED] = "tampered",
  [PK_CARD_UNTRUSTED] = "untrusted",
  [PK_CARD_EXPIRED] = "expired",
  [PK_CARD_REVOKED] = "revoked",
  [PK_CARD_TRUST_CONFIG] = "trust-config",
  [PK_CARD_PIN_WRONG] = "pin-wrong",
  [PK_CARD_PIN_BLOCKED] = "pin-blocked",
  [PK_CARD_PIN_FORMAT] = "pin-format",
  [PK_CARD_PIN_REQUIRED] = "pin-required",
  [PK_CARD_PIN_CANCELLED] = "pin-cancelled",
  [PK_CARD_PIN_TIMEOUT] = "pin-timeout",
  [PK_CARD_NOT_SUPPORTED] = "not-supported",
  [PK_CARD_BAD_SIGNATURE] = "bad-signature",
  [PK_CARD_ARG] = "arg",
};

const char *pk_card_status_name(pk_card_status st) {
  if ((unsigned)st >= PK_CARD_STATUS_COUNT) return "invalid";
  return statuses[st] ? statuses[st] : "invalid";
}

/* Walks the ATR interface bytes to the historical bytes (ISO 7816-3 section 8.2), then
 * the COMPACT-TLV historical bytes for the card capabilities and our issuer data. */
bool pk_atr_is_profile(const uint8_t *atr, size_t n, bool *extended) {
  if (extended) *extended = false;
  if (!atr || n < 2 || n > 33 || (atr[0] != 0x3B && atr[0] != 0x3F)) return false;
  size_t k = atr[1] & 0x0F, i = 2;
  uint8_t y = atr[1] >> 4;
  for (;;) {
    i += (size_t)((y & 1) + ((y >> 1) & 1) + ((y >> 2) & 1));
    if (!(y & 8)) break;
    if (i >= n) return false;
    y = atr[i++] >> 4;
  }
  if (i + k > n || k < 1 || atr[i] != 0x80) return false;
  const uint8_t *h = atr + i + 1, *end = atr + i + k;
  bool issuer = false, ext = false;
  while (h < end) {
    size_t len = *h & 0x0F;
    if ((size_t)(end - h - 1) < len) return false;
    if ((*h >> 4) == 0x7 && len >= 3) ext = (h[3] & 0x40) != 0;
    if (len + 1 == sizeof PK_PROFILE_ISSUER_DATA - 1 && memcmp(h, PK_PROFILE_ISSUER_DATA, len + 1) == 0) issuer = true;
    h += 1 + len;
  }
  if (extended) *extended = ext;
  return issuer;
}
