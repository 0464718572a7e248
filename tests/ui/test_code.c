/* Issue 15, defect 14: the tracking code is shown in groups of four for reading aloud. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "../../ui/view_code.h"

static void check(const char *in, const char *want) {
  char *got = ui_code_groups(in);
  assert_non_null(got);
  assert_string_equal(got, want);
  free(got);
}

static void tracking_code_in_fours(void **state) {
  (void)state;
  check("1457143582487267", "1457 1435 8248 7267");
  check("145714358248", "1457 1435 8248");
}

static void other_codes_unchanged(void **state) {
  (void)state;
  check("1234567890", "1234567890"); /* a queue reference */
  check("ABCD-1234-EFGH-5678", "ABCD-1234-EFGH-5678");
  check("14571435824872a7", "14571435824872a7");
  check("", "");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(tracking_code_in_fours),
      cmocka_unit_test(other_codes_unchanged),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
