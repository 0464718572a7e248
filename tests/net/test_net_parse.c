/* Hostile answers: every parser refuses what does not match the contract (type, length,
 * range, charset) and sanitizes what it shows; a bad catalog leaves the old one intact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../net/net_parse.h"
#include "pishkhan/catalog.h"

#define P(s) s, strlen(s)

static void test_problem(void **state) {
  pk_net_result st = {0};
  assert_int_equal(pk_net_parse_problem(P("{\"code\":\"otp_invalid\",\"message_fa\":\"کد\\u001b[31m نادرست\\u202e\","
                                          "\"message_en\":\"bad\",\"field\":\"code\",\"retry_after\":5}"), &st), 0);
  assert_string_equal(st.code, "otp_invalid");
  assert_null(strchr(st.message_fa, 0x1b));      /* escape sequence removed */
  assert_null(strstr(st.message_fa, "\u202e")); /* bidi override removed */
  assert_string_equal(st.field, "code");
  assert_int_equal(st.retry_after_s, 5);
  pk_net_result z = {0};
  assert_int_equal(pk_net_parse_problem(P("{\"code\":\"has space\"}"), &z), -1);
  assert_int_equal(pk_net_parse_problem(P("[1,2]"), &z), -1);
  assert_int_equal(pk_net_parse_problem(P("{\"code\":\"x\",\"code\":\"y\"}"), &z), -1); /* duplicate keys */
  assert_int_equal(pk_net_parse_problem(P("{\"code\":\"x\""), &z), -1);                 /* truncated */
  assert_int_equal(pk_net_parse_problem(NULL, 0, &z), -1);
}

static void test_session(void **state) {
  pk_net_session s = {0};
  char tok[256];
  const char *good = "{\"token\":\"abcdefghijklmnopqrstuvwxyz012345\",\"token_type\":\"Bearer\",\"level\":3,"
                     "\"expires_in\":900,\"citizen\":{\"national_code_masked\":\"******4561\",\"name_fa\":\"زهرا\","
                     "\"name_en\":\"Z\"}}";
  assert_int_equal(pk_net_parse_session(P(good), &s, tok, sizeof tok), 0);
  assert_int_equal(s.level, 3);
  assert_string_equal(tok, "abcdefghijklmnopqrstuvwxyz012345");
  const char *bad[] = {
    "{\"token\":\"abcdefghijklmnopqrstuvwxyz012345\",\"level\":4,\"expires_in\":900,\"citizen\":{\"national_code_masked\":\"******4561\"}}",
    "{\"token\":\"abc def ghijklmnopqrstuvwxyz\",\"level\":3,\"expires_in\":900,\"citizen\":{\"national_code_masked\":\"******4561\"}}",
    "{\"token\":\"abcdefghijklmnopqrstuvwxyz012345\",\"level\":\"3\",\"expires_in\":900,\"citizen\":{\"national_code_masked\":\"******4561\"}}",
    "{\"token\":\"abcdefghijklmnopqrstuvwxyz012345\",\"level\":3,\"expires_in\":900,\"citizen\":{\"national_code_masked\":\"0071234561\\n\"}}",
    "{\"token\":\"abcdefghijklmnopqrstuvwxyz012345\",\"level\":3,\"expires_in\":-1,\"citizen\":{\"national_code_masked\":\"******4561\"}}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) assert_int_equal(pk_net_parse_session(P(bad[i]), &s, tok, sizeof tok), -1);
  /* An oversized token is refused, not cut. */
  char big[600];
  snprintf(big, sizeof big, "{\"token\":\"%0300d\",\"level\":3,\"expires_in\":9,\"citizen\":{\"national_code_masked\":\"****\"}}", 7);
  assert_int_equal(pk_net_parse_session(P(big), &s, tok, sizeof tok), -1);
}

/* A window that allows many resends (pishkhan-window-sim --otp-max 500) is not malformed. */
static void test_otp_counts_by_meaning(void **state) {
  pk_net_otp o = {0};
  char body[256];
#define OTP_FMT "{\"otp_id\":\"otp-1234\",\"expires_in\":120,\"resend_after\":%s,\"resends_left\":%s}"
  snprintf(body, sizeof body, OTP_FMT, "60", "499");
  assert_int_equal(pk_net_parse_otp(P(body), &o), 0);
  assert_int_equal(o.resends_left, 499);
  snprintf(body, sizeof body, OTP_FMT, "7200", "2147483647");
  assert_int_equal(pk_net_parse_otp(P(body), &o), 0);
  assert_int_equal(o.resend_after_s, 7200);
  const char *bad[][2] = {{"60", "-1"}, {"60", "2147483648"}, {"-5", "3"}, {"60", "\"3\""}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    snprintf(body, sizeof body, OTP_FMT, bad[i][0], bad[i][1]);
    assert_int_equal(pk_net_parse_otp(P(body), &o), -1);
  }
}

static void test_receipt_and_status(void **state) {
  pk_net_pool pool = {0};
  pk_net_receipt r = {0};
  assert_int_equal(pk_net_parse_receipt(P("{\"tracking_code\":\"1400000000000001\",\"status\":\"received\","
                                          "\"submitted_at\":1700000000,\"receipt\":\"aGVhZA.cGF5bG9hZA.c2ln\",\"replayed\":true}"),
                                        &r, &pool), 0);
  assert_true(r.replayed);
  assert_string_equal(r.receipt_jws, "aGVhZA.cGF5bG9hZA.c2ln");
  assert_int_equal(pk_net_parse_receipt(P("{\"tracking_code\":\"14000A\",\"status\":\"received\",\"submitted_at\":1,\"receipt\":\"a.b.c\"}"), &r, &pool), -1);
  assert_int_equal(pk_net_parse_receipt(P("{\"tracking_code\":\"1400000\",\"status\":\"lost\",\"submitted_at\":1,\"receipt\":\"a.b.c\"}"), &r, &pool), -1);
  assert_int_equal(pk_net_parse_receipt(P("{\"tracking_code\":\"1400000\",\"status\":\"done\",\"submitted_at\":1,\"receipt\":\"a.b\"}"), &r, &pool), -1);
  assert_int_equal(pk_net_parse_receipt(P("{\"tracking_code\":\"1400000\",\"status\":\"done\",\"submitted_at\":1,\"receipt\":\"a.b.c.d\"}"), &r, &pool), -1);
  pk_net_req_status s = {0};
  assert_int_equal(pk_net_parse_req_status(P("{\"tracking_code\":\"1400000\",\"service_id\":\"../x\",\"status\":\"done\",\"submitted_at\":1,\"updated_at\":1}"), &s), -1);
  pk_net_pool_free(&pool);
}

static void test_inbox_and_doc(void **state) {
  pk_net_pool pool = {0};
  pk_net_inbox in = {0};
  assert_int_equal(pk_net_parse_inbox(P("{\"items\":[{\"id\":\"a\",\"kind\":\"letter\",\"title_fa\":\"نامه\\u0007\","
                                        "\"body_fa\":\"متن\",\"created_at\":1}]}"), &in, &pool), 0);
  assert_int_equal(in.n, 1);
  assert_string_equal(in.items[0].title_fa, "نامه");
  assert_string_equal(in.items[0].title_en, "");
  assert_int_equal(pk_net_parse_inbox(P("{\"items\":[{\"id\":\"a\",\"kind\":\"spam\",\"title_fa\":\"x\",\"body_fa\":\"y\",\"created_at\":1}]}"), &in, &pool), -1);
  assert_int_equal(pk_net_parse_inbox(P("{\"items\":{}}"), &in, &pool), -1);
  /* 501 items: over the limit. */
  size_t cap = 64 + 501 * 80;
  char *many = malloc(cap);
  size_t o = (size_t)snprintf(many, cap, "{\"items\":[");
  for (int i = 0; i < 501; i++)
    o += (size_t)snprintf(many + o, cap - o, "%s{\"id\":\"a%d\",\"kind\":\"letter\",\"title_fa\":\"x\",\"body_fa\":\"y\",\"created_at\":1}", i ? "," : "", i);
  snprintf(many + o, cap - o, "]}");
  assert_int_equal(pk_net_parse_inbox(many, strlen(many), &in, &pool), -1);
  free(many);
  pk_net_doc d = {0};
  assert_int_equal(pk_net_parse_doc(P("{\"document_id\":\"d\",\"kind\":\"report_card\",\"title_fa\":\"کارنامه\","
                                      "\"issued_at\":1,\"rows\":[{\"label_fa\":\"وضعیت\",\"label_en\":\"Result\","
                                      "\"value\":\"قبول\",\"value_en\":\"Passed\\u001b[2J\"},"
                                      "{\"label_fa\":\"ریاضی\",\"label_en\":\"Math\",\"value\":\"19.50\"}]}"), &d, &pool), 0);
  assert_string_equal(d.rows[0].value_en, "Passed"); /* sanitized like every string */
  assert_string_equal(d.rows[1].value_en, "");
  assert_int_equal(pk_net_parse_doc(P("{\"document_id\":\"d\",\"kind\":\"report_card\",\"title_fa\":\"کارنامه\","
                                      "\"issued_at\":1,\"rows\":[{\"label_fa\":\"ریاضی\",\"value\":19}]}"), &d, &pool), -1);
  pk_net_pool_free(&pool);
}

static const char *CAT =
  "{\"version\":3,\"agencies\":[{\"id\":\"tax\",\"name_fa\":\"سازمان امور مالیاتی کشور\",\"name_en\":\"Tax\"},"
  "{\"id\":\"medu\",\"name_fa\":\"آموزش و پرورش\",\"name_en\":\"Education\"}],"
  "\"services\":[{\"id\":\"tax-1\",\"agency_id\":\"tax\",\"title_fa\":\"صدور گواهی عدم بدهی مالیاتی\",\"title_en\":\"Tax clearance\","
  "\"description_fa\":\"\",\"description_en\":\"\",\"auth_level\":3,\"smart\":true,\"proactive\":false,\"offline_capable\":false,"
  "\"channels\":[\"kiosk\"],\"fee_rials\":0,\"documents\":[{\"fa\":\"تصویر کارت ملی\",\"en\":\"Copy of the national ID card\"},"
  "{\"fa\":\"عکس ۳×۴\"}],\"form\":{\"fields\":[{\"name\":\"amount\",\"type\":\"amount\","
  "\"label_fa\":\"مبلغ\",\"label_en\":\"Amount\",\"required\":true,\"min\":10,\"max\":100}]}}]}";

static void test_counter_and_invoice(void **state) {
  (void)state;
  pk_net_pool pool = {0};
  pk_net_entities e = {0};
  assert_int_equal(pk_net_parse_entities(P("{\"entities\":[{\"legal_id\":\"10380284790\",\"name\":\"شرکت\u202e\"}]}"),
                                         &e, &pool), 0);
  assert_int_equal(e.n, 1);
  assert_string_equal(e.items[0].legal_id, "10380284790");
  assert_null(strstr(e.items[0].name, "\u202e"));
  /* A legal ID whose check digit is wrong is not the window's. */
  assert_int_equal(pk_net_parse_entities(P("{\"entities\":[{\"legal_id\":\"10380284792\",\"name\":\"x\"}]}"), &e,
                                         &pool), -1);
  assert_int_equal(pk_net_parse_entities(P("{\"entities\":{}}"), &e, &pool), -1);
  pk_net_pool_free(&pool);

  pk_net_clerk c = {0};
  assert_int_equal(pk_net_parse_clerk(P("{\"clerk_id\":\"clk-1\",\"office_id\":\"off-1\",\"office_name\":\"دفتر\","
                                        "\"permissions\":[\"serve_card\"]}"), &c), 0);
  assert_int_equal(c.npermissions, 1);
  assert_string_equal(c.permissions[0], "serve_card");
  /* A clerk id of digits alone could be a national code: the kiosk would send it on. */
  assert_int_equal(pk_net_parse_clerk(P("{\"clerk_id\":\"1122334451\",\"office_id\":\"off-1\",\"office_name\":\"x\","
                                        "\"permissions\":[]}"), &c), -1);
  assert_int_equal(pk_net_parse_clerk(P("{\"clerk_id\":\"clk-1\",\"office_id\":\"off-1\",\"office_name\":\"x\","
                                        "\"permissions\":[\"has space\"]}"), &c), -1);

  /* The profile: what is there is checked, what is absent is "" (the form then asks). */
  pk_net_profile pr = {0};
  assert_int_equal(pk_net_parse_profile(P("{\"mobile\":\"09121234567\",\"postal_code\":\"1969833114\"}"), &pr), 0);
  assert_string_equal(pr.mobile, "09121234567");
  assert_string_equal(pr.postal_code, "1969833114");
  memset(&pr, 0, sizeof pr);
  assert_int_equal(pk_net_parse_profile(P("{}"), &pr), 0);
  assert_string_equal(pr.mobile, "");
  assert_int_equal(pk_net_parse_profile(P("{\"mobile\":\"9121234567\"}"), &pr), -1);      /* not 09 + 9 digits */
  assert_int_equal(pk_net_parse_profile(P("{\"mobile\":\"۰۹۱۲۱۲۳۴۵۶۷\"}"), &pr), -1);  /* ASCII digits only */
  assert_int_equal(pk_net_parse_profile(P("{\"postal_code\":\"19698331\u202e4\"}"), &pr), -1);
  assert_int_equal(pk_net_parse_profile(P("{\"mobile\":12}"), &pr), -1);

  pk_net_invoice v = {0};
  assert_int_equal(pk_net_parse_invoice(P("{\"invoice_id\":\"inv_a\",\"service_id\":\"cbi-0001\",\"amount_rials\":5,"
                                          "\"payable_until\":9,\"status\":\"unpaid\"}"), &v), 0);
  assert_string_equal(v.bank_ref, "");
  assert_int_equal(pk_net_parse_invoice(P("{\"invoice_id\":\"inv_a\",\"service_id\":\"cbi-0001\",\"amount_rials\":5,"
                                          "\"payable_until\":9,\"status\":\"paid\",\"bank_ref\":\"140387654321\","
                                          "\"paid_at\":7}"), &v), 0);
  assert_string_equal(v.bank_ref, "140387654321");
  assert_string_equal(v.method, "card"); /* a window that names no way meant the terminal's */
  assert_int_equal(pk_net_parse_invoice(P("{\"invoice_id\":\"inv_a\",\"service_id\":\"cbi-0001\",\"amount_rials\":5,"
                                          "\"payable_until\":9,\"status\":\"unpaid\",\"pay_url\":"
                                          "\"HTTPS://PAY.EXAMPLE.IR:443/PAY/ABCD2345EFGH\",\"link_expires_at\":8}"), &v), 0);
  assert_string_equal(v.pay_url, "HTTPS://PAY.EXAMPLE.IR:443/PAY/ABCD2345EFGH");
  assert_int_equal(v.link_expires_at, 8);
  assert_int_equal(pk_net_parse_invoice(P("{\"invoice_id\":\"inv_a\",\"service_id\":\"cbi-0001\",\"amount_rials\":5,"
                                          "\"payable_until\":9,\"status\":\"refunded\",\"bank_ref\":\"140387654321\","
                                          "\"paid_at\":7,\"method\":\"cash\"}"), &v), 0);
  assert_string_equal(v.status, "refunded");
  assert_string_equal(v.method, "cash");
  assert_string_equal(v.pay_url, "");
  /* Paid without its reference, unpaid with one, no amount, an unknown status; a link that is
   * not the window's plain https address, or comes without its end; an unknown way; a
   * cancelled invoice naming a payment. */
  const char *bad[] = {
    "{\"invoice_id\":\"a\",\"service_id\":\"s\",\"amount_rials\":5,\"payable_until\":9,\"status\":\"paid\"}",
    "{\"invoice_id\":\"a\",\"service_id\":\"s\",\"amount_rials\":5,\"payable_until\":9,\"status\":\"unpaid\","
    "\"bank_ref\":\"140387654321\",\"paid_at\":7}",
    "{\"invoice_id\":\"a\",\"service_id\":\"s\",\"amount_rials\":0,\"payable_until\":9,\"status\":\"unpaid\"}",
    "{\"invoice_id\":\"a\",\"service_id\":\"s\",\"amount_rials\":5,\"payable_until\":9,\"status\":\"refunded\"}",
    "{\"invoice_id\":\"a\",\"service_id\":\"s\",\"amount_rials\":5,\"payable_until\":9,\"status\":\"unpaid\","
    "\"pay_url\":\"https://evil.example/x\",\"link_expires_at\":8}",
    "{\"invoice_id\":\"a\",\"service_id\":\"s\",\"amount_rials\":5,\"payable_until\":9,\"status\":\"unpaid\","
    "\"pay_url\":\"JAVASCRIPT://X/Y\",\"link_expires_at\":8}",
    "{\"invoice_id\":\"a\",\"service_id\":\"s\",\"amount_rials\":5,\"payable_until\":9,\"status\":\"unpaid\","
    "\"pay_url\":\"HTTPS://PAY.EXAMPLE.IR/P/X\"}",
    "{\"invoice_id\":\"a\",\"service_id\":\"s\",\"amount_rials\":5,\"payable_until\":9,\"status\":\"paid\","
    "\"bank_ref\":\"140387654321\",\"paid_at\":7,\"method\":\"barter\"}",
    "{\"invoice_id\":\"a\",\"service_id\":\"s\",\"amount_rials\":5,\"payable_until\":9,\"status\":\"cancelled\","
    "\"bank_ref\":\"140387654321\",\"paid_at\":7}",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) assert_int_equal(pk_net_parse_invoice(P(bad[i]), &v), -1);
}

static void test_catalog_refuses_bad_and_keeps_old(void **state) {
  pk_catalog *c = pk_catalog_open(":memory:", NULL);
  char err[128];
  assert_int_equal(pk_catalog_replace_json(c, CAT, strlen(CAT), "\"v3\"", err, sizeof err), 0);
  assert_int_equal(pk_catalog_version(c), 3);
  const pk_agency *a;
  assert_int_equal(pk_catalog_agencies(c, &a), 2);
  assert_string_equal(a[0].id, "medu"); /* آ sorts before س */
  const pk_service *s = pk_catalog_service(c, "tax-1");
  size_t nf;
  const pk_form_field *f = pk_catalog_form(c, s, &nf);
  assert_int_equal(nf, 1);
  assert_int_equal(f[0].type, PK_FIELD_AMOUNT);
  assert_int_equal(f[0].max, 100);
  /* The documents in both languages, for an English screen (none sent in English: ""). */
  assert_int_equal(s->ndocuments, 2);
  assert_string_equal(s->documents_fa[0], "تصویر کارت ملی");
  assert_string_equal(s->documents_en[0], "Copy of the national ID card");
  assert_string_equal(s->documents_en[1], "");
  const char *bad[] = {
    "{\"version\":4,\"agencies\":[],\"services\":[{\"id\":\"x\",\"agency_id\":\"nope\"}]}",
    "{\"version\":0,\"agencies\":[],\"services\":[]}",
    "{\"version\":4,\"agencies\":[{\"id\":\"a b\",\"name_fa\":\"x\",\"name_en\":\"y\"}],\"services\":[]}",
    "{\"version\":4,\"agencies\":[{\"id\":\"a\",\"name_fa\":\"x\",\"name_en\":\"y\"}],\"services\":[{\"id\":\"s\",\"agency_id\":\"a\","
    "\"title_fa\":\"t\",\"title_en\":\"t\",\"description_fa\":\"\",\"description_en\":\"\",\"auth_level\":3,\"smart\":true,"
    "\"proactive\":false,\"offline_capable\":false,\"channels\":[],\"fee_rials\":0,\"documents\":[],\"form\":{\"fields\":[{\"name\":\"f\","
    "\"type\":\"bitcoin\",\"label_fa\":\"x\",\"required\":true}]}}]}",
    "{\"version\":4,",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(pk_catalog_replace_json(c, bad[i], strlen(bad[i]), "\"v4\"", err, sizeof err), -1);
    assert_int_equal(pk_catalog_version(c), 3);
    assert_string_equal(pk_catalog_etag(c), "\"v3\"");
    assert_non_null(pk_catalog_service(c, "tax-1"));
  }
  pk_catalog_close(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_problem),
    cmocka_unit_test(test_session),
    cmocka_unit_test(test_otp_counts_by_meaning),
    cmocka_unit_test(test_receipt_and_status),
    cmocka_unit_test(test_inbox_and_doc),
    cmocka_unit_test(test_counter_and_invoice),
    cmocka_unit_test(test_catalog_refuses_bad_and_keeps_old),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
