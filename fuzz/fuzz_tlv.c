/* BER-TLV from a hostile card: the parser never reads outside the buffer (ASan), every
 * element it accepts lies inside its parent, and re-encoding an element gives a TLV that
 * parses back to the same tag and value. Walks nested templates up to depth 8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../cardreader/card_internal.h"

static void walk(const uint8_t *buf, size_t n, int depth) {
  const uint8_t *p = buf, *end = buf + n;
  while (p < end) {
    pk_tlv t;
    const uint8_t *before = p;
    if (pk_tlv_next(&p, end, &t) < 0) {
      if (p != before) abort(); /* a failed parse must not advance */
      return;
    }
    if (p <= before || p > end || t.val < before || t.val + t.len != p) abort();
    uint8_t *re = malloc(t.len + 8);
    size_t rl = pk_tlv_put(re, t.len + 8, t.tag, t.val, t.len);
    pk_tlv back;
    if (rl && (pk_tlv_parse_one(re, rl, &back) < 0 || back.tag != t.tag || back.len != t.len ||
               memcmp(back.val, t.val, t.len) != 0))
      abort();
    free(re);
    if (t.constructed && depth < 8) walk(t.val, t.len, depth + 1);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  walk(data, size, 0);
  pk_tlv t;
  (void)pk_tlv_find(data, size, 0x80, &t);
  bool ext;
  (void)pk_atr_is_profile(data, size, &ext);
  return 0;
}
