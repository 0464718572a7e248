/* libFuzzer: every response parser of the window client on hostile bodies. The first
 * byte picks the parser; the rest is the body. Results must be either fully valid
 * (strings NUL-terminated, counts matching arrays) or an error. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../net/net_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const char *body = (const char *)data + 1;
  size_t len = size - 1;
  pk_net_pool pool = {0};
  switch (data[0] % 12) {
  case 0: {
    pk_net_result st = {0};
    if (pk_net_parse_problem(body, len, &st) == 0 && strlen(st.code) >= sizeof st.code) __builtin_trap();
    break;
  }
  case 1: {
    pk_net_challenge c = {0};
    pk_net_parse_challenge(body, len, &c);
    break;
  }
  case 2: {
    pk_net_session s = {0};
    char tok[256];
    pk_net_parse_session(body, len, &s, tok, sizeof tok);
    break;
  }
  case 3: {
    pk_net_otp o = {0};
    pk_net_parse_otp(body, len, &o);
    break;
  }
  case 4: {
    pk_net_receipt r = {0};
    if (pk_net_parse_receipt(body, len, &r, &pool) == 0 && !strchr(r.receipt_jws, '.')) __builtin_trap();
    break;
  }
  case 5: {
    pk_net_req_status r = {0};
    pk_net_parse_req_status(body, len, &r);
    break;
  }
  case 6: {
    pk_net_inbox r = {0};
    if (pk_net_parse_inbox(body, len, &r, &pool) == 0)
      for (size_t i = 0; i < r.n; i++)
        if (strlen(r.items[i].title_fa) > 512 || !r.items[i].body_en) __builtin_trap();
    break;
  }
  case 8: {
    pk_net_entities e = {0};
    if (pk_net_parse_entities(body, len, &e, &pool) == 0)
      for (size_t i = 0; i < e.n; i++)
        if (strlen(e.items[i].legal_id) != 11 || !e.items[i].name) __builtin_trap();
    break;
  }
  case 9: {
    pk_net_clerk c = {0};
    if (pk_net_parse_clerk(body, len, &c) == 0 &&
        (!c.clerk_id[0] || strspn(c.clerk_id, "0123456789") == strlen(c.clerk_id) ||
         c.npermissions > PK_NET_CLERK_PERMS))
      __builtin_trap();
    break;
  }
  case 10: {
    pk_net_invoice v = {0};
    if (pk_net_parse_invoice(body, len, &v) == 0 && v.amount_rials <= 0) __builtin_trap();
    break;
  }
  case 11: {
    pk_net_profile p = {0};
    if (pk_net_parse_profile(body, len, &p) == 0 &&
        ((p.mobile[0] && (strlen(p.mobile) != 11 || strncmp(p.mobile, "09", 2))) ||
         (p.postal_code[0] && strlen(p.postal_code) != 10)))
      __builtin_trap();
    break;
  }
  default: {
    pk_net_doc d = {0};
    if (pk_net_parse_doc(body, len, &d, &pool) == 0)
      for (size_t i = 0; i < d.nrows; i++)
        if (!d.rows[i].value) __builtin_trap();
    break;
  }
  }
  pk_net_pool_free(&pool);
  return 0;
}
