/* The background chores on a fake clock: the printer every 30 s, never twice at once; the
 * catalog every 5 minutes, never during a session, and at once when the session ends if it
 * fell due meanwhile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "pishkhan/chores.h"

static void test_printer_every_30_s_and_never_twice_at_once(void **state) {
  pk_chores c;
  pk_chores_init(&c, 1000);
  assert_int_equal(pk_chores_due(&c, 1000, true), PK_CHORE_PRINTER);
  assert_int_equal(pk_chores_due(&c, 1200, true), 0);
  /* A printer that takes longer than the period is not asked again meanwhile. */
  assert_int_equal(pk_chores_due(&c, 1000 + PK_PRINTER_POLL_MS, true), 0);
  pk_chores_done(&c, PK_CHORE_PRINTER);
  assert_int_equal(pk_chores_due(&c, 1000 + PK_PRINTER_POLL_MS + 200, true), PK_CHORE_PRINTER);
  pk_chores_done(&c, PK_CHORE_PRINTER);
  assert_int_equal(pk_chores_due(&c, 1000 + 2 * PK_PRINTER_POLL_MS, true), 0);
  assert_int_equal(pk_chores_due(&c, 1000 + 2 * PK_PRINTER_POLL_MS + 200, true), PK_CHORE_PRINTER);
}

static void test_catalog_sync_waits_for_nobody_at_the_kiosk(void **state) {
  pk_chores c;
  pk_chores_init(&c, 0);
  pk_chores_due(&c, 0, true);
  pk_chores_done(&c, PK_CHORE_PRINTER);
  /* The start-up sync is still running: no second one. */
  assert_false(pk_chores_due(&c, PK_CATALOG_SYNC_MS, true) & PK_CHORE_SYNC);
  pk_chores_done(&c, PK_CHORE_SYNC);
  uint64_t t = 2 * PK_CATALOG_SYNC_MS;
  for (uint64_t dt = 0; dt < 60000; dt += 200) assert_false(pk_chores_due(&c, t + dt, false) & PK_CHORE_SYNC);
  assert_true(pk_chores_due(&c, t + 60000, true) & PK_CHORE_SYNC);
  pk_chores_done(&c, PK_CHORE_SYNC);
  assert_false(pk_chores_due(&c, t + 60200, true) & PK_CHORE_SYNC);
  assert_true(pk_chores_due(&c, t + 60000 + PK_CATALOG_SYNC_MS, true) & PK_CHORE_SYNC);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_printer_every_30_s_and_never_twice_at_once),
      cmocka_unit_test(test_catalog_sync_waits_for_nobody_at_the_kiosk),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
