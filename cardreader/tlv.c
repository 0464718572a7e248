/* BER-TLV as ISO 7816-4 uses it. Hand-written on purpose: OpenSSL's ASN.1 decoder is
 * DER/ASN.1-template oriented and has no API for 7816 application tags; this is ~80
 * lines, and every byte read is checked against the end of the buffer (hostile cards). */
#include "card_internal.h"

#include <string.h>

static int read_tag(const uint8_t **p, const uint8_t *end, pk_tlv *out) {
  const uint8_t *q = *p;
  if (q >= end) return -1;
  uint8_t first = *q++;
  /* 00 and FF are padding/invalid as a first tag byte in 7816-4. */
  if (first == 0x00 || first == 0xFF) return -1;
  uint32_t tag = first;
  out->constructed = (first & 0x20) != 0;
  if ((first & 0x1F) == 0x1F) {
    int n = 0;
    uint8_t b;
    do {
      if (q >= end || ++n > 2) return -1; /* at most 3-byte tags */
      b = *q++;
      tag = (tag << 8) | b;
    } while (b & 0x80);
  }
  out->tag = tag;
  *p = q;
  return 0;
}

static int read_len(const uint8_t **p, const uint8_t *end, size_t *len) {
  const uint8_t *q = *p;
  if (q >= end) return -1;
  uint8_t b = *q++;
  if (b < 0x80) {
    *len = b;
  } else {
    unsigned n = b & 0x7F;
    if (n == 0 || n > 3) return -1; /* indefinite or absurd */
    if ((size_t)(end - q) < n) return -1;
    size_t v = 0;
    for (unsigned i = 0; i < n; i++) v = (v << 8) | *q++;
    *len = v;
  }
  *p = q;
  return 0;
}

int pk_tlv_next(const uint8_t **p, const uint8_t *end, pk_tlv *out) {
  if (!p || !*p || !end || *p >= end || !out) return -1;
  const uint8_t *q = *p;
  if (read_tag(&q, end, out) < 0) return -1;
  size_t len;
  if (read_len(&q, end, &len) < 0) return -1;
  if (len > (size_t)(end - q)) return -1;
  out->val = q;
  out->len = len;
  *p = q + len;
  return 0;
}

int pk_tlv_parse_one(const uint8_t *buf, size_t n, pk_tlv *out) {
  if (!buf || n == 0) return -1;
  const uint8_t *p = buf, *end = buf + n;
  if (pk_tlv_next(&p, end, out) < 0) return -1;
  return p == end ? 0 : -1;
}

int pk_tlv_find(const uint8_t *buf, size_t n, uint32_t tag, pk_tlv *out) {
  if (!buf || n == 0) return -1;
  const uint8_t *p = buf, *end = buf + n;
  while (p < end) {
    pk_tlv t;
    if (pk_tlv_next(&p, end, &t) < 0) return -1;
    if (t.tag == tag) {
      *out = t;
      return 0;
    }
  }
  return -1;
}

static size_t tag_len(uint32_t tag) { return tag > 0xFFFF ? 3 : tag > 0xFF ? 2 : 1; }

size_t pk_tlv_header_len(uint32_t tag, size_t len) {
  size_t l = len < 0x80 ? 1 : len <= 0xFF ? 2 : len <= 0xFFFF ? 3 : 4;
  return tag_len(tag) + l;
}

size_t pk_tlv_put(uint8_t *out, size_t cap, uint32_t tag, const uint8_t *value, size_t len) {
  if (len > 0xFFFFFF || tag > 0xFFFFFF || tag == 0) return 0;
  size_t h = pk_tlv_header_len(tag, len);
  size_t total = value ? h + len : h;
  if (!out || total > cap) return 0;
  size_t i = 0;
  for (size_t k = tag_len(tag); k-- > 0;) out[i++] = (uint8_t)(tag >> (8 * k));
  if (len < 0x80) {
    out[i++] = (uint8_t)len;
  } else {
    size_t nb = h - tag_len(tag) - 1;
    out[i++] = (uint8_t)(0x80 | nb);
    for (size_t k = nb; k-- > 0;) out[i++] = (uint8_t)(len >> (8 * k));
  }
  if (value && len) memmove(out + i, value, len);
  return total;
}
