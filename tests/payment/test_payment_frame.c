/* The pkpos framing: what goes out comes back the same; a torn, corrupt or oversized frame is
 * never read as a message; a card number is stored masked or not at all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "pishkhan/payment.h"

static const pk_pay_framing *F = &pk_pay_framing_pkpos;

static pk_pay_msg sample(void) {
  return (pk_pay_msg){.type = PK_PAY_MSG_SALE_ANS, .trace = "000123456789", .amount = 1250000, .invoice = "inv-7",
                      .tid = "T01", .rc = "00", .approval = "123456", .rrn = "987654321012", .pan = "603799******4421"};
}

static void test_roundtrip(void **st) {
  pk_pay_msg m = sample(), back;
  uint8_t buf[PK_PAY_FRAME_MAX + 3];
  int n = F->encode(&m, buf, sizeof buf);
  assert_true(n > 3);
  size_t used = 0;
  assert_int_equal(F->parse(buf, (size_t)n, &back, &used), PK_PAY_FRAME_OK);
  assert_int_equal(used, n);
  assert_memory_equal(&m, &back, sizeof m);
}

static void test_torn_frame_waits_for_more(void **st) {
  pk_pay_msg m = sample(), back;
  uint8_t buf[PK_PAY_FRAME_MAX + 3];
  int n = F->encode(&m, buf, sizeof buf);
  size_t used = 0;
  for (int cut = 0; cut < n; cut++) assert_int_equal(F->parse(buf, (size_t)cut, &back, &used), PK_PAY_FRAME_MORE);
}

static void test_corrupt_frames_refused(void **st) {
  pk_pay_msg m = sample(), back;
  uint8_t buf[PK_PAY_FRAME_MAX + 3];
  int n = F->encode(&m, buf, sizeof buf);
  size_t used = 0;
  buf[10] ^= 1; /* one bit flipped on the line: the LRC tells */
  assert_int_equal(F->parse(buf, (size_t)n, &back, &used), PK_PAY_FRAME_BAD);
  uint8_t big[] = {0xff, 0xff, 't'};
  assert_int_equal(F->parse(big, sizeof big, &back, &used), PK_PAY_FRAME_BAD);
  const char body[] = "t=SALE_ANS\ntr=0001234567890123\n"; /* a trace too long is not cut to fit */
  uint8_t fr[64] = {0, sizeof body - 1};
  memcpy(fr + 2, body, sizeof body - 1);
  for (size_t i = 0; i < sizeof body + 1; i++) fr[sizeof body + 1] ^= fr[i];
  assert_int_equal(F->parse(fr, sizeof body + 2, &back, &used), PK_PAY_FRAME_BAD);
}

/* Found by fuzz_pay_frame: a frame naming two traces was read as the second one. */
static void test_key_twice_refused(void **st) {
  pk_pay_msg back;
  const char body[] = "t=SALE_ANS\ntr=000123456789\nrc=00\ntr=000000000001\n";
  uint8_t fr[80] = {0, sizeof body - 1};
  memcpy(fr + 2, body, sizeof body - 1);
  for (size_t i = 0; i < sizeof body + 1; i++) fr[sizeof body + 1] ^= fr[i];
  size_t used = 0;
  assert_int_equal(F->parse(fr, sizeof body + 2, &back, &used), PK_PAY_FRAME_BAD);
}

static void test_unframeable_refused(void **st) {
  pk_pay_msg m = sample();
  uint8_t buf[PK_PAY_FRAME_MAX + 3];
  m.approval[2] = '\n'; /* would forge a line of its own */
  assert_int_equal(F->encode(&m, buf, sizeof buf), -1);
}

static void test_mask_pan(void **st) {
  char out[24];
  assert_true(pk_pay_mask_pan("6037991234564421", out, sizeof out));
  assert_string_equal(out, "603799******4421");
  assert_true(pk_pay_mask_pan("603799******4421", out, sizeof out));
  assert_string_equal(out, "603799******4421");
  assert_false(pk_pay_mask_pan("6037-9912-3456-4421", out, sizeof out));
  assert_string_equal(out, "");
  assert_false(pk_pay_mask_pan("12345", out, sizeof out));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_roundtrip),           cmocka_unit_test(test_torn_frame_waits_for_more),
      cmocka_unit_test(test_corrupt_frames_refused), cmocka_unit_test(test_unframeable_refused),
      cmocka_unit_test(test_mask_pan), cmocka_unit_test(test_key_twice_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
