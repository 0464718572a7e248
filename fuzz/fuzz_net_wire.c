/* libFuzzer: the kiosk–helper frames (net/wire.c). The helper's answers carry what the network
 * sent, and a compromised helper could send anything: every decoder must refuse or give fields
 * that hold (strings NUL-terminated inside the frame, numbers in range), and what decodes must
 * encode back to a frame that decodes the same. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../net/wire.h"

static void check_str(const char *s, const uint8_t *lo, const uint8_t *hi) {
  if (!s) return;
  if ((const uint8_t *)s < lo || (const uint8_t *)s + strlen(s) >= hi) __builtin_trap();
}

static void roundtrip_resp(const pk_wire_resp *r) {
  pk_wire_buf b = {0};
  pk_wire_frame f;
  pk_wire_resp again;
  if (pk_wire_encode_resp(&b, 7, r) != 0) __builtin_trap();
  if (pk_wire_frame_parse(b.p + 4, b.len - 4, &f) != 0 || pk_wire_decode_resp(&f, &again) != 0) __builtin_trap();
  if (again.err != r->err || again.http_status != r->http_status || again.body_len != r->body_len ||
      strcmp(again.code, r->code) || strcmp(again.etag, r->etag))
    __builtin_trap();
  pk_wire_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  pk_wire_frame f;
  if (pk_wire_frame_parse(data, size, &f) != 0) return 0;
  const uint8_t *hi = data + size + 1; /* the NUL a connection puts after every frame */
  pk_wire_resp r;
  if (pk_wire_decode_resp(&f, &r) == 0) {
    if (r.body && (r.body < data || r.body + r.body_len > data + size)) __builtin_trap();
    roundtrip_resp(&r);
  }
  pk_wire_req q;
  if (pk_wire_decode_req(&f, &q) == 0) {
    check_str(q.method, data, hi);
    check_str(q.url, data, hi);
    for (size_t i = 0; i < q.nheaders; i++) {
      check_str(q.headers[i], data, hi);
      if (strpbrk(q.headers[i], "\r\n")) __builtin_trap();
    }
  }
  pk_wire_opts o;
  if (pk_wire_decode_opts(&f, &o) == 0 && (o.connect_timeout_ms < 0 || o.total_timeout_ms < 0)) __builtin_trap();
  return 0;
}
