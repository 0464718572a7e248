/* The shift report counts what the audit log holds: from the byte where the shift's first
 * clerk_login begins to the checkpoint's size, by way in, by outcome and by service, with the
 * fees paid; the CSV quotes what needs quoting and its service rows add up to its totals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "pishkhan/app.h"
#include "pishkhan/audit.h"
#include "pishkhan/receipt.h"
#include "pishkhan/shift.h"

static char dir[64], logp[128];

static void add(pk_audit *a, const char *kind, const char *fields) {
  char err[160];
  if (pk_audit_append(a, kind, fields, err, sizeof err) != 0) fail_msg("%s %s: %s", kind, fields, err);
}

static long long file_size(void) {
  struct stat st;
  return stat(logp, &st) == 0 ? (long long)st.st_size : -1;
}

/* An earlier shift, then this one, then entries after its checkpoint's size. */
static uint64_t write_log(long long *from) {
  snprintf(dir, sizeof dir, "/tmp/pk-shift-XXXXXX");
  assert_non_null(mkdtemp(dir));
  snprintf(logp, sizeof logp, "%s/audit.log", dir);
  char err[160];
  pk_audit *a = pk_audit_open(&(pk_audit_opts){.path = logp, .kiosk_id = "K1"}, err, sizeof err);
  assert_non_null(a);
  add(a, "clerk_login", "{\"clerk\":\"clk-old\"}");
  add(a, "request_submitted", "{\"clerk\":\"clk-old\",\"level\":3,\"ref\":\"111 222 3333\",\"service\":\"tax-0001\"}");
  *from = file_size();
  add(a, "clerk_login", "{\"clerk\":\"clk-1\"}");
  add(a, "citizen_auth", "{\"level\":3,\"method\":\"card\",\"national_masked\":\"******4561\"}");
  add(a, "request_submitted",
      "{\"clerk\":\"clk-1\",\"level\":3,\"paid\":\"1,250,000\",\"ref\":\"803 674 2004\",\"service\":\"tax-0002\"}");
  add(a, "request_delivered", "{\"ref\":\"803 674 2004\",\"service\":\"tax-0002\"}");
  add(a, "print", "{\"ref\":\"1420 2393\",\"service\":\"tax-0002\"}");
  add(a, "reprint", "{\"ref\":\"1420 2393\",\"service\":\"tax-0002\"}");
  add(a, "citizen_auth", "{\"level\":3,\"method\":\"card_offline\",\"national_masked\":\"******4561\"}");
  add(a, "request_queued", "{\"clerk\":\"clk-1\",\"level\":3,\"ref\":\"449 858 5458\",\"service\":\"tax-0002\"}");
  add(a, "citizen_auth", "{\"level\":2,\"method\":\"otp\",\"national_masked\":\"******4561\"}");
  add(a, "request_submitted", "{\"clerk\":\"clk-1\",\"level\":2,\"paid\":\"12,50\",\"ref\":\"663 098 1594\",\"service\":\"edu-0002\"}");
  add(a, "request_failed", "{\"ref\":\"663 098 1594\",\"service\":\"edu-0002\"}");
  add(a, "citizen_auth", "{\"level\":1,\"method\":\"level1\",\"national_masked\":\"******4561\"}");
  add(a, "request_submitted", "{\"level\":1,\"ref\":\"155 940 0587\",\"service\":\"edu-0002\"}"); /* no clerk */
  add(a, "cash_received", "{\"amount\":\"50,000\",\"clerk\":\"clk-1\",\"invoice\":\"inv-1\"}");
  add(a, "cash_received", "{\"amount\":\"120,000\",\"clerk\":\"clk-1\",\"invoice\":\"inv-2\"}");
  add(a, "cash_refunded", "{\"amount\":\"50,000\",\"clerk\":\"clk-1\",\"invoice\":\"inv-1\"}");
  add(a, "clerk_lock", "{\"clerk\":\"clk-1\"}");
  add(a, "clerk_logout", "{\"clerk\":\"clk-1\"}");
  uint64_t size = pk_audit_size(a, NULL);
  add(a, "clerk_login", "{\"clerk\":\"clk-2\"}"); /* the next shift */
  add(a, "citizen_auth", "{\"level\":3,\"method\":\"card\",\"national_masked\":\"******4561\"}");
  pk_audit_close(a);
  return size;
}

static void test_tally_counts_the_shift_only(void **state) {
  (void)state;
  long long from;
  uint64_t size = write_log(&from);
  pk_shift_tally t;
  char err[200];
  assert_int_equal(pk_shift_tally_read(logp, from, size, "clk-1", &t, err, sizeof err), 0);
  assert_int_equal(t.first_seq, 3);
  assert_int_equal(t.last_seq, size);
  assert_int_equal(t.logins, 1);
  assert_int_equal(t.auth[PK_SHIFT_CARD], 2); /* card_offline is the card's way in */
  assert_int_equal(t.auth[PK_SHIFT_OTP], 1);
  assert_int_equal(t.auth[PK_SHIFT_LEVEL1], 1);
  assert_int_equal(t.submitted, 3);
  assert_int_equal(t.queued, 1);
  assert_int_equal(t.delivered, 1);
  assert_int_equal(t.failed, 1);
  assert_int_equal(t.assisted, 3);
  assert_int_equal(t.self_service, 1);
  assert_int_equal(t.prints, 1);
  assert_int_equal(t.reprints, 1);
  assert_int_equal(t.locks, 1);
  assert_int_equal(t.paid, 1); /* "12,50" is no amount */
  assert_int_equal(t.paid_rials, 1250000);
  assert_int_equal(t.cash_received, 2);
  assert_int_equal(t.cash_received_rials, 170000);
  assert_int_equal(t.cash_refunded, 1);
  assert_int_equal(t.cash_refunded_rials, 50000);
  assert_int_equal(t.nservices, 2);
  assert_string_equal(t.services[0].id, "edu-0002");
  assert_int_equal(t.services[0].submitted, 2);
  assert_int_equal(t.services[0].failed, 1);
  assert_string_equal(t.services[1].id, "tax-0002");
  assert_int_equal(t.services[1].queued, 1);
  assert_int_equal(t.services[1].paid_rials, 1250000);
  pk_shift_tally_free(&t);
  /* From the start of the file, to its end: the other shifts' entries count too. */
  assert_int_equal(pk_shift_tally_read(logp, 0, 0, "clk-1", &t, err, sizeof err), 0);
  assert_int_equal(t.logins, 3);
  assert_int_equal(t.auth[PK_SHIFT_CARD], 3);
  pk_shift_tally_free(&t);
  /* A line that is not an entry (an edited log) is named, not counted around. */
  FILE *f = fopen(logp, "a");
  fputs("{\"kind\":\"request_submitted\"}\n", f);
  fclose(f);
  assert_int_equal(pk_shift_tally_read(logp, from, 0, "clk-1", &t, err, sizeof err), -1);
  assert_non_null(strstr(err, "not a log entry"));
}

static void test_rials_grouped(void **state) {
  (void)state;
  char out[32];
  long long cases[] = {0, 999, 1000, 1250000, 900000000000LL};
  const char *want[] = {"0", "999", "1,000", "1,250,000", "900,000,000,000"};
  for (size_t i = 0; i < 5; i++) {
    pk_shift_group_rials(cases[i], out, sizeof out);
    assert_string_equal(out, want[i]);
  }
  /* The log takes the grouped amount: no run of digits it would refuse as a national code. */
  char fields[128], err[160];
  snprintf(fields, sizeof fields, "{\"paid\":\"%s\"}", out);
  assert_int_equal(pk_audit_check_fields(fields, err, sizeof err), 0);
}

static void test_report_forms(void **state) {
  (void)state;
  long long from;
  uint64_t size = write_log(&from);
  pk_shift_tally t;
  char err[200];
  assert_int_equal(pk_shift_tally_read(logp, from, size, "clk-1", &t, err, sizeof err), 0);
  pk_app_shift s = {.opened_at = 1796219850, .closed_at = 1796223450, .ticket = 12, .audit_size = size};
  snprintf(s.clerk.office_name, sizeof s.clerk.office_name, "دفتر ۱۰۰۱, \"مرکز\"");
  snprintf(s.clerk.clerk_id, sizeof s.clerk.clerk_id, "clk-1");
  pk_shift_report_in in = {.shift = &s, .tally = &t};
  char *text = pk_shift_report_text(&in), *csv = pk_shift_report_csv(&in);
  assert_non_null(strstr(text, "Fees paid (rials): 1,250,000"));
  assert_non_null(strstr(text, "tax-0002 (tax-0002): 1 sent, 1 queued, 0 refused, 1,250,000 rials paid"));
  assert_non_null(strstr(text, "Requests without a clerk (self-service): 1"));
  assert_non_null(strstr(text, "Cash received (rials): 170,000"));
  assert_non_null(strstr(text, "Cash to hand over (rials): 120,000"));
  assert_non_null(strstr(text, "وجه نقد برای تحویل (ریال): ۱۲۰,۰۰۰"));
  assert_non_null(strstr(csv, "cash,to_hand_over,"));
  assert_non_null(strstr(csv, ",120000\r\n"));
  assert_non_null(strstr(csv, "shift,office,\"دفتر ۱۰۰۱, \"\"مرکز\"\"\",,,,,,\r\n"));
  assert_non_null(strstr(csv, "service,tax-0002,,,,1,1,0,1250000\r\n"));
  assert_non_null(strstr(csv, "requests,sent,"));
  unsigned char *pdf;
  size_t len;
  assert_int_equal(pk_report_render_pdf("Counter shift report", text, &pdf, &len), 0);
  assert_true(len > 1000 && !memcmp(pdf, "%PDF", 4));
  free(pdf);
  free(text);
  free(csv);
  pk_shift_tally_free(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tally_counts_the_shift_only),
      cmocka_unit_test(test_rials_grouped),
      cmocka_unit_test(test_report_forms),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  pk_receipt_shutdown(); /* the font caches the PDF filled */
  return failed;
}
