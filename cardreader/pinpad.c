/* PC/SC v2 part 10 secure PIN entry: the PIN is typed on the reader and never reaches
 * this process. Used automatically by the UI when the reader offers it. */
#include "card_internal.h"

#include <string.h>

#include <reader.h>

unsigned long pk_pinpad_verify_code(pk_transport *t) {
  uint8_t buf[256];
  size_t n = sizeof buf;
  if (pk_transport_control(t, CM_IOCTL_GET_FEATURE_REQUEST, NULL, 0, buf, &n) != PK_TR_OK) return 0;
  /* A list of tag(1) len(1)=4 value(4, big endian) entries; anything odd ends the walk. */
  for (size_t i = 0; i + 6 <= n && buf[i + 1] == 4; i += 6) {
    if (buf[i] == FEATURE_VERIFY_PIN_DIRECT)
      return (unsigned long)buf[i + 2] << 24 | (unsigned long)buf[i + 3] << 16 | (unsigned long)buf[i + 4] << 8 |
             buf[i + 5];
  }
  return 0;
}

int pk_pinpad_verify(pk_transport *t, unsigned long code, uint16_t *sw) {
  /* PIN_VERIFY_STRUCTURE written byte by byte (little-endian fields, packed). */
  const uint8_t apdu[] = {0x00, 0x20, 0x00, PK_PIN_REF, PK_PIN_MAX, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  uint8_t s[19 + sizeof apdu];
  size_t i = 0;
  s[i++] = 30;          /* bTimerOut: seconds for the whole entry */
  s[i++] = 15;          /* bTimerOut2: seconds after the first key */
  s[i++] = 0x82;        /* bmFormatString: byte units, position 0, left justified, ASCII */
  s[i++] = 0x08;        /* bmPINBlockString: no length field, 8-byte block */
  s[i++] = 0x00;        /* bmPINLengthFormat */
  s[i++] = PK_PIN_MAX;  /* wPINMaxExtraDigit: max, then min (0xXXYY little-endian) */
  s[i++] = PK_PIN_MIN;
  s[i++] = 0x02;        /* bEntryValidationCondition: validation key pressed */
  s[i++] = 0x01;        /* bNumberMessage */
  s[i++] = 0x09;        /* wLangId 0x0409 */
  s[i++] = 0x04;
  s[i++] = 0x00;        /* bMsgIndex */
  s[i++] = 0x00;        /* bTeoPrologue[3] */
  s[i++] = 0x00;
  s[i++] = 0x00;
  s[i++] = (uint8_t)sizeof apdu; /* ulDataLength, 4 bytes little-endian */
  s[i++] = 0x00;
  s[i++] = 0x00;
  s[i++] = 0x00;
  memcpy(s + i, apdu, sizeof apdu);
  i += sizeof apdu;
  uint8_t out[2];
  size_t n = sizeof out;
  int rc = pk_transport_control(t, code, s, i, out, &n);
  if (rc != PK_TR_OK) return rc;
  if (n != 2) return PK_TR_COMM;
  *sw = (uint16_t)(out[0] << 8 | out[1]);
  return PK_TR_OK;
}
