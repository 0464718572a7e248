/* Status messages (English msgids; the catalogs translate them) and ATR matching. */
#include "card_internal.h"

#include <string.h>

static const struct {
  const char *name, *msgid;
} statuses[PK_CARD_STATUS_COUNT] = {
  [PK_CARD_OK] = {"ok", "Card read."},
  [PK_CARD_REMOVED] = {"removed", "The card was removed."},
  [PK_CARD_NO_READER] = {"no-reader", "The card reader is not available."},
  [PK_CARD_UNKNOWN] = {"unknown", "This is not a national ID card."},
  [PK_CARD_COMM] = {"comm", "The card could not be read. Please remove it and insert it again."},
  [PK_CARD_BAD_DATA] = {"bad-data", "The data on this card is damaged."},
  [PK_CARD_TAMPERED] = {"tampered", "This card's data has been altered. The card is not accepted."},
  [PK_CARD_UNTRUSTED] = {"untrusted", "This card was not issued by a recognized authority."},
  [PK_CARD_EXPIRED] = {"expired", "This card has expired. Please renew it at a registration office."},
  [PK_CARD_REVOKED] = {"revoked", "This card has been revoked. Please contact a registration office."},
  [PK_CARD_TRUST_CONFIG] = {"trust-config", "The kiosk cannot check cards right now. Please ask staff for help."},
  [PK_CARD_PIN_WRONG] = {"pin-wrong", "Wrong PIN."},
  [PK_CARD_PIN_BLOCKED] = {"pin-blocked", "The card PIN is blocked. Please visit a registration office to unblock it."},
  [PK_CARD_PIN_FORMAT] = {"pin-format", "The PIN must be 4 to 8 digits."},
  [PK_CARD_PIN_REQUIRED] = {"pin-required", "Please enter your card PIN first."},
  [PK_CARD_PIN_CANCELLED] = {"pin-cancelled", "PIN entry was cancelled."},
  [PK_CARD_PIN_TIMEOUT] = {"pin-timeout", "PIN entry timed out."},
  [PK_CARD_NOT_SUPPORTED] = {"not-supported", "This reader does not support that operation."},
  [PK_CARD_BAD_SIGNATURE] = {"bad-signature", "The card's signature is not valid. The card is not accepted."},
  [PK_CARD_ARG] = {"arg", "Internal error while using the card."},
};

const char *pk_card_status_msgid(pk_card_status st) {
  if ((unsigned)st >= PK_CARD_STATUS_COUNT) st = PK_CARD_ARG;
  return statuses[st].msgid;
}

const char *pk_card_status_name(pk_card_status st) {
  if ((unsigned)st >= PK_CARD_STATUS_COUNT) return "invalid";
  return statuses[st].name;
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
