/* Issue 15, what to add 3: every screen has its help, in Persian as well as in English, in
 * two or three sentences that fit the body of an 80x24 screen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../ui/view_help.h"
#include "pishkhan/i18n.h"

static void every_screen_has_help(void **state) {
  (void)state;
  pk_i18n_init(getenv("PK_LOCALEDIR"));
  for (int id = 0; id < PK_SCREEN_COUNT; id++) {
    const char *msgid = ui_help_for((pk_screen_id)id);
    if (!msgid) fail_msg("screen %s has no help", pk_screen_name((pk_screen_id)id));
    pk_i18n_set_lang(PK_LANG_FA);
    const char *fa = _(msgid);
    if (fa == msgid || !strcmp(fa, msgid)) fail_msg("the help of %s has no Persian", pk_screen_name((pk_screen_id)id));
    /* The body of 80x24 holds 16 rows: the help takes at most 12 of 76 columns, in either. */
    char **lines = NULL;
    int n = pk_wrap_logical(fa, 74, &lines);
    pk_lines_free(lines, n);
    assert_in_range(n, 1, 12);
    n = pk_wrap_logical(msgid, 74, &lines);
    pk_lines_free(lines, n);
    assert_in_range(n, 1, 12);
  }
  assert_null(ui_help_for(PK_SCREEN_COUNT));
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(every_screen_has_help)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
