/* BER-TLV, EF.ID, ATR and the APDU layer (encoding, chaining, 61xx, 6Cxx) against a
 * scripted transport. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../cardreader/card_internal.h"

static void tlv_basic(void **state) {
  (void)state;
  const uint8_t b[] = {0x5F, 0x1F, 0x02, 0xAA, 0xBB, 0x70, 0x81, 0x01, 0x42};
  const uint8_t *p = b, *end = b + sizeof b;
  pk_tlv t;
  assert_int_equal(pk_tlv_next(&p, end, &t), 0);
  assert_int_equal(t.tag, 0x5F1F);
  assert_int_equal(t.len, 2);
  assert_int_equal(t.val[1], 0xBB);
  assert_int_equal(pk_tlv_next(&p, end, &t), 0);
  assert_int_equal(t.tag, 0x70);
  assert_true(t.constructed);
  assert_int_equal(t.len, 1);
  assert_ptr_equal(p, end);
  assert_int_equal(pk_tlv_next(&p, end, &t), -1);
}

static void tlv_hostile(void **state) {
  (void)state;
  pk_tlv t;
  const uint8_t too_long[] = {0x80, 0x05, 0x01};
  const uint8_t huge[] = {0x80, 0x83, 0xFF, 0xFF, 0xFF, 0x00};
  const uint8_t indefinite[] = {0x70, 0x80, 0x00, 0x00};
  const uint8_t five_len[] = {0x80, 0x85, 0, 0, 0, 0, 1};
  const uint8_t cut_tag[] = {0x5F};
  const uint8_t long_tag[] = {0x5F, 0x81, 0x81, 0x01, 0x00};
  const uint8_t cut_len[] = {0x80, 0x82, 0x01};
  assert_int_equal(pk_tlv_parse_one(too_long, sizeof too_long, &t), -1);
  assert_int_equal(pk_tlv_parse_one(huge, sizeof huge, &t), -1);
  assert_int_equal(pk_tlv_parse_one(indefinite, sizeof indefinite, &t), -1);
  assert_int_equal(pk_tlv_parse_one(five_len, sizeof five_len, &t), -1);
  assert_int_equal(pk_tlv_parse_one(cut_tag, sizeof cut_tag, &t), -1);
  assert_int_equal(pk_tlv_parse_one(long_tag, sizeof long_tag, &t), -1);
  assert_int_equal(pk_tlv_parse_one(cut_len, sizeof cut_len, &t), -1);
  assert_int_equal(pk_tlv_parse_one(NULL, 0, &t), -1);
}

static void tlv_put_roundtrip(void **state) {
  (void)state;
  static uint8_t val[70000], out[70010];
  for (size_t i = 0; i < sizeof val; i++) val[i] = (uint8_t)i;
  size_t sizes[] = {0, 1, 127, 128, 255, 256, 65535, 65536};
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    size_t n = pk_tlv_put(out, sizeof out, 0x7F61, val, sizes[k]);
    assert_true(n > sizes[k]);
    pk_tlv t;
    assert_int_equal(pk_tlv_parse_one(out, n, &t), 0);
    assert_int_equal(t.tag, 0x7F61);
    assert_int_equal(t.len, sizes[k]);
    assert_memory_equal(t.val, val, sizes[k]);
  }
  assert_int_equal(pk_tlv_put(out, 3, 0x80, val, 2), 0); /* does not fit */
}

static pk_identity sample(void) {
  pk_identity id = {.national_code = "0071234561", .given_fa = "زهرا", .family_fa = "محمدی",
                    .given_en = "Zahra", .family_en = "Mohammadi", .father_fa = "علی",
                    .birth_date = "1370/05/12", .serial = "0A7C31942", .issued = "1401/03/15",
                    .expires = "1411/03/15", .role = PK_ROLE_CITIZEN};
  return id;
}

static void national_code(void **state) {
  (void)state;
  assert_true(pk_national_code_digits_valid("0071234561"));
  assert_true(pk_national_code_digits_valid("1122334451"));
  assert_false(pk_national_code_digits_valid("0071234562"));
  assert_false(pk_national_code_digits_valid("007123456"));
  assert_false(pk_national_code_digits_valid("00712345a1"));
}

static void efid_roundtrip(void **state) {
  (void)state;
  pk_identity in = sample(), out;
  uint8_t buf[1024];
  size_t n = pk_efid_encode(&in, buf, sizeof buf);
  assert_true(n > 0);
  assert_int_equal(pk_efid_parse(buf, n, &out), PK_CARD_OK);
  assert_string_equal(out.given_fa, "زهرا");
  assert_string_equal(out.father_fa, "علی");
  assert_string_equal(out.birth_date, "1370/05/12");
  assert_string_equal(out.expires, "1411/03/15");
  assert_string_equal(out.national_code, "0071234561");
  assert_int_equal(out.role, PK_ROLE_CITIZEN);
  /* every truncation is refused, never read past the end */
  for (size_t k = 0; k < n; k++) assert_int_equal(pk_efid_parse(buf, k, &out), PK_CARD_BAD_DATA);
  assert_string_equal(out.given_fa, ""); /* wiped on failure */
}

static void efid_refuses(void **state) {
  (void)state;
  uint8_t buf[1024];
  pk_identity out, id = sample();
  strcpy(id.national_code, "0071234562");
  size_t n = pk_efid_encode(&id, buf, sizeof buf);
  assert_int_equal(pk_efid_parse(buf, n, &out), PK_CARD_BAD_DATA); /* check digit */
  /* all the same digit passes the check digit but is never issued: the typed form refuses
   * it too, so a card carrying it is not genuine */
  const char *same[] = {"1111111111", "0000000000", "9999999999"};
  for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
    strcpy(id.national_code, same[i]);
    n = pk_efid_encode(&id, buf, sizeof buf);
    assert_int_equal(pk_efid_parse(buf, n, &out), PK_CARD_BAD_DATA);
  }
  id = sample();
  strcpy(id.given_fa, "\xD8"); /* cut UTF-8 */
  n = pk_efid_encode(&id, buf, sizeof buf);
  assert_int_equal(pk_efid_parse(buf, n, &out), PK_CARD_BAD_DATA);
  /* overlong '/', an encoded surrogate, C1 NEL, past U+10FFFF, a lone continuation byte */
  const char *bad_utf8[] = {"\xC0\xAF", "\xED\xA0\x80", "a\xC2\x85", "\xF4\x90\x80\x80", "\x80"};
  for (size_t i = 0; i < sizeof bad_utf8 / sizeof *bad_utf8; i++) {
    id = sample();
    strcpy(id.father_fa, bad_utf8[i]);
    n = pk_efid_encode(&id, buf, sizeof buf);
    assert_int_equal(pk_efid_parse(buf, n, &out), PK_CARD_BAD_DATA);
  }
  id = sample();
  strcpy(id.father_fa, "\xF0\x9F\x98\x80\xC2\xA0"); /* 4-byte sequence and NBSP are fine */
  n = pk_efid_encode(&id, buf, sizeof buf);
  assert_int_equal(pk_efid_parse(buf, n, &out), PK_CARD_OK);
  id = sample();
  strcpy(id.family_fa, "a\x1b[2Jb"); /* terminal escape */
  n = pk_efid_encode(&id, buf, sizeof buf);
  assert_int_equal(pk_efid_parse(buf, n, &out), PK_CARD_BAD_DATA);
  id = sample();
  strcpy(id.birth_date, "1370/07/31"); /* Mehr has 30 days */
  n = pk_efid_encode(&id, buf, sizeof buf);
  assert_int_equal(pk_efid_parse(buf, n, &out), PK_CARD_BAD_DATA);
  id = sample();
  strcpy(id.birth_date, "1399/12/30"); /* 1399 is a leap year: valid */
  n = pk_efid_encode(&id, buf, sizeof buf);
  assert_int_equal(pk_efid_parse(buf, n, &out), PK_CARD_OK);
  strcpy(id.birth_date, "1400/12/30"); /* not leap */
  n = pk_efid_encode(&id, buf, sizeof buf);
  assert_int_equal(pk_efid_parse(buf, n, &out), PK_CARD_BAD_DATA);
  id = sample();
  n = pk_efid_encode(&id, buf, sizeof buf);
  buf[n - 1] = 0x07; /* unknown role */
  assert_int_equal(pk_efid_parse(buf, n, &out), PK_CARD_BAD_DATA);
}

static void atr_match(void **state) {
  (void)state;
  const uint8_t atr[] = {0x3B, 0x8B, 0x80, 0x01, 0x80, 0x73, 0x00, 0x00, 0xC0, 0x55, 0x50, 0x4B, 0x4E, 0x49, 0x44, 0x34};
  bool ext = false;
  assert_true(pk_atr_is_profile(atr, sizeof atr, &ext));
  assert_true(ext);
  const uint8_t other[] = {0x3B, 0x8B, 0x80, 0x01, 0x80, 0x73, 0x00, 0x00, 0x80, 0x55, 0x50, 0x4B, 0x4E, 0x49, 0x45, 0x34};
  assert_false(pk_atr_is_profile(other, sizeof other, &ext));
  assert_false(pk_atr_is_profile(atr, 9, &ext)); /* truncated historical bytes */
}

static void apdu_encode(void **state) {
  (void)state;
  uint8_t out[300], data[300] = {1, 2, 3};
  pk_apdu c1 = {.ins = 0x20, .p2 = 0x81};
  assert_int_equal(pk_apdu_encode(&c1, false, out, sizeof out), 4);
  pk_apdu c2 = {.ins = 0xB0, .p1 = 0x81, .le = 256};
  assert_int_equal(pk_apdu_encode(&c2, false, out, sizeof out), 5);
  assert_int_equal(out[4], 0x00);
  c2.le = 65536;
  assert_int_equal(pk_apdu_encode(&c2, true, out, sizeof out), 7);
  assert_memory_equal(out + 4, "\x00\x00\x00", 3);
  pk_apdu c4 = {.ins = 0x88, .data = data, .lc = 3, .le = 256};
  assert_int_equal(pk_apdu_encode(&c4, true, out, sizeof out), 9); /* short is enough */
  c4.lc = 260;
  assert_int_equal(pk_apdu_encode(&c4, false, out, sizeof out), 0);
  assert_int_equal(pk_apdu_encode(&c4, true, out, sizeof out), 4 + 3 + 260 + 2);
}

/* A scripted card: records commands, answers from a queue. */
typedef struct {
  uint8_t cmds[8][300];
  size_t cmd_len[8];
  int ncmd;
  const uint8_t *answers[8];
  size_t ans_len[8];
  int nans;
} script;

static int script_transmit(pk_transport *t, const uint8_t *apdu, size_t n, uint8_t *resp, size_t *resp_len) {
  script *s = pk_transport_impl(t);
  if (s->ncmd >= 8 || n > 300) return PK_TR_COMM;
  memcpy(s->cmds[s->ncmd], apdu, n);
  s->cmd_len[s->ncmd] = n;
  const uint8_t *a = s->answers[s->ncmd];
  size_t al = s->ans_len[s->ncmd];
  s->ncmd++;
  if (!a || al > *resp_len) return PK_TR_COMM;
  memcpy(resp, a, al);
  *resp_len = al;
  return PK_TR_OK;
}

static const pk_transport_ops script_ops = {.transmit = script_transmit};

static void apdu_chaining(void **state) {
  (void)state;
  script s = {0};
  static const uint8_t ok[] = {0x90, 0x00};
  for (int i = 0; i < 3; i++) s.answers[i] = ok, s.ans_len[i] = 2;
  pk_transport *t = pk_transport_new(&script_ops, &s);
  uint8_t data[600];
  for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)i;
  pk_apdu c = {.ins = 0x2A, .p1 = 0x9E, .p2 = 0x9A, .data = data, .lc = sizeof data};
  uint16_t sw = 0;
  assert_int_equal(pk_apdu_exchange(t, &c, NULL, 0, NULL, &sw), PK_TR_OK);
  assert_int_equal(sw, 0x9000);
  assert_int_equal(s.ncmd, 3);
  assert_int_equal(s.cmds[0][0], 0x10);
  assert_int_equal(s.cmds[1][0], 0x10);
  assert_int_equal(s.cmds[2][0], 0x00);
  assert_int_equal(s.cmds[0][4], 255);
  assert_int_equal(s.cmds[2][4], 90);
  assert_int_equal(s.cmds[2][5], 510 % 256); /* data continue where the last part stopped */
  pk_transport_stats st;
  pk_transport_get_stats(t, &st);
  assert_int_equal(st.apdus, 3);
  pk_transport_free(t);
}

static void apdu_61_and_6c(void **state) {
  (void)state;
  script s = {0};
  static const uint8_t a0[] = {0x61, 0x03}, a1[] = {0xAA, 0xBB, 0xCC, 0x61, 0x02}, a2[] = {0xDD, 0xEE, 0x90, 0x00};
  s.answers[0] = a0, s.ans_len[0] = 2;
  s.answers[1] = a1, s.ans_len[1] = 5;
  s.answers[2] = a2, s.ans_len[2] = 4;
  pk_transport *t = pk_transport_new(&script_ops, &s);
  pk_apdu c = {.ins = 0xB0, .le = 256};
  uint8_t out[16];
  size_t n = 0;
  uint16_t sw;
  assert_int_equal(pk_apdu_exchange(t, &c, out, sizeof out, &n, &sw), PK_TR_OK);
  assert_int_equal(sw, 0x9000);
  assert_int_equal(n, 5);
  assert_memory_equal(out, "\xAA\xBB\xCC\xDD\xEE", 5);
  assert_memory_equal(s.cmds[1], "\x00\xC0\x00\x00\x03", 5);
  assert_memory_equal(s.cmds[2], "\x00\xC0\x00\x00\x02", 5);
  /* the answer does not fit: overflow, not a write past out */
  s = (script){0};
  s.answers[0] = a0, s.ans_len[0] = 2;
  s.answers[1] = a1, s.ans_len[1] = 5;
  assert_int_equal(pk_apdu_exchange(t, &c, out, 2, &n, &sw), PK_TR_OVERFLOW);
  /* 6Cxx: re-issued with the right Le */
  s = (script){0};
  static const uint8_t b0[] = {0x6C, 0x02}, b1[] = {0x01, 0x02, 0x90, 0x00};
  s.answers[0] = b0, s.ans_len[0] = 2;
  s.answers[1] = b1, s.ans_len[1] = 4;
  assert_int_equal(pk_apdu_exchange(t, &c, out, sizeof out, &n, &sw), PK_TR_OK);
  assert_int_equal(n, 2);
  assert_int_equal(s.cmds[1][4], 0x02);
  pk_transport_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(tlv_basic),       cmocka_unit_test(tlv_hostile),    cmocka_unit_test(tlv_put_roundtrip),
    cmocka_unit_test(national_code),   cmocka_unit_test(efid_roundtrip), cmocka_unit_test(efid_refuses),
    cmocka_unit_test(atr_match),       cmocka_unit_test(apdu_encode),    cmocka_unit_test(apdu_chaining),
    cmocka_unit_test(apdu_61_and_6c),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
